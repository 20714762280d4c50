// One HTTP request sent exactly as written, Host header included (fetch would set its own Host and
// normalise the path), for tests of what a server answers to whom.
import { request } from 'node:http';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends `method path` to the server at `url`, with `host` as the Host header when given. */
export function sendRequest(url: string, method: string, path: string, host?: string): Promise<HttpReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = host === undefined ? {} : { Host: host };
    const req = request({ host: hostname.replace(/^\[|\]$/g, ''), port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
