import { describe, expect, it } from 'vitest';
import { HttpListener, type ListenerOptions } from '../../../http/index.ts';
import { FlowwatchError } from '../../../runtime/index.ts';
import { sendRequest } from '../../support/http-request.ts';

const options: ListenerOptions = {
  host: '127.0.0.1',
  port: 0,
  allowedHosts: [],
  name: 'the test server',
  portInUseAdvice: 'choose another with --test-port',
  headers: { 'X-Test': 'yes' },
};

/** A listener that answers every request it is handed with 200 "handled". */
function listen(overrides: Partial<ListenerOptions> = {}): Promise<HttpListener> {
  return HttpListener.listen({ ...options, ...overrides }, (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('handled');
  });
}

const portOf = (listener: HttpListener) => Number(new URL(listener.origin).port);

describe('the HTTP listener', () => {
  it('hands requests for its own names to its handler and answers any other name 421 itself, with its headers', async () => {
    const listener = await listen();
    try {
      expect((await sendRequest(`${listener.origin}/`, 'GET', '/')).body).toBe('handled');
      const foreign = await sendRequest(`${listener.origin}/`, 'GET', '/', 'rebound.example');
      expect(foreign.status).toBe(421);
      expect(foreign.headers['x-test']).toBe('yes');
    } finally {
      await listener.close();
    }
  });

  it('says in one sentence, as a usage error, that a port is in use, or takes another when allowed to', async () => {
    const taken = await listen();
    try {
      const port = portOf(taken);
      const error = await listen({ port }).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(FlowwatchError);
      expect((error as Error).message).toBe(
        `the test server cannot listen on 127.0.0.1:${port}: the port is in use (choose another with --test-port)`,
      );
      const elsewhere = await listen({ port, anyPortIfTaken: true });
      expect(portOf(elsewhere)).not.toBe(port);
      await elsewhere.close();
    } finally {
      await taken.close();
    }
  });

  it('closes once however often it is asked: every call gets the same promise', async () => {
    const listener = await listen();
    const first = listener.close();
    expect(listener.close()).toBe(first);
    await first;
    await expect(listener.close()).resolves.toBeUndefined();
  });
});
