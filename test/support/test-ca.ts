// A certificate authority of the test's own, made with openssl in a temp folder: it signs server
// certificates for 127.0.0.1, so TLS tests need no certificate from anywhere else.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertificateFiles {
  /** PEM certificate. */
  readonly certFile: string;
  /** PEM private key (PKCS#8, not encrypted). */
  readonly keyFile: string;
}

function openssl(args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()}`, { cause: error });
  }
}

// P-256 keys: made in milliseconds, and both Kafka's PEM key store and Redis take them.
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export class TestCa {
  readonly certFile: string;
  private readonly keyFile: string;
  private readonly dir: string;

  private constructor(dir: string, name: string) {
    this.dir = dir;
    this.certFile = join(dir, `${name}-ca.pem`);
    this.keyFile = join(dir, `${name}-ca.key`);
  }

  /** A new self-signed CA, its files in `dir` named after `name`. */
  static create(dir: string, name: string): TestCa {
    const ca = new TestCa(dir, name);
    openssl([
      'req',
      '-x509',
      ...NEW_KEY,
      '-keyout',
      ca.keyFile,
      '-out',
      ca.certFile,
      '-days',
      '2',
      '-subj',
      `/CN=flowwatch test CA ${name}`,
    ]);
    return ca;
  }

  /** A server certificate signed by this CA, valid for 127.0.0.1 and localhost. */
  issue(name: string): CertificateFiles {
    const keyFile = join(this.dir, `${name}.key`);
    const certFile = join(this.dir, `${name}.pem`);
    const request = join(this.dir, `${name}.csr`);
    const extensions = join(this.dir, `${name}.ext`);
    writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
    openssl(['req', '-new', ...NEW_KEY, '-keyout', keyFile, '-out', request, '-subj', `/CN=${name}`]);
    openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      this.certFile,
      '-CAkey',
      this.keyFile,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      extensions,
      '-out',
      certFile,
    ]);
    return { certFile, keyFile };
  }
}
