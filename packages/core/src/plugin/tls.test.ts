import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsArgsError, tlsOptionsFromArgs } from './tls.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl())('tlsOptionsFromArgs', () => {
  let dir = '';
  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsdns-tls-'));
    const selfSigned = (name: string) =>
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '1',
          '-subj',
          `/CN=${name}`,
          '-keyout',
          file(`${name}.key`),
          '-out',
          file(`${name}.crt`),
        ],
        { stdio: 'ignore' },
      );
    selfSigned('server');
    selfSigned('other');
    writeFileSync(file('not-a-cert.pem'), 'hello\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function failure(args: string[], root?: string): string {
    try {
      tlsOptionsFromArgs(args, root);
    } catch (e) {
      expect(e).toBeInstanceOf(TlsArgsError);
      return (e as Error).message;
    }
    throw new Error('expected a TlsArgsError');
  }

  it('no arguments: no certificate, system roots, TLS 1.2 at least', () => {
    expect(tlsOptionsFromArgs([])).toEqual({ minVersion: 'TLSv1.2' });
  });

  it('one argument: the CA that verifies the peer', () => {
    const o = tlsOptionsFromArgs([file('server.crt')]);
    expect(o.ca).toEqual(readFileSync(file('server.crt')));
    expect(o.cert).toBeUndefined();
    expect(o.key).toBeUndefined();
  });

  it('two arguments: certificate and key; three: and a CA', () => {
    const two = tlsOptionsFromArgs([file('server.crt'), file('server.key')]);
    expect(two.cert).toEqual(readFileSync(file('server.crt')));
    expect(two.key).toEqual(readFileSync(file('server.key')));
    expect(two.ca).toBeUndefined();
    const three = tlsOptionsFromArgs([file('server.crt'), file('server.key'), file('other.crt')]);
    expect(three.ca).toEqual(readFileSync(file('other.crt')));
  });

  it('reads relative paths from the root directory', () => {
    expect(tlsOptionsFromArgs(['server.crt', 'server.key'], dir).cert).toEqual(
      readFileSync(file('server.crt')),
    );
  });

  it('rejects more than three arguments', () => {
    expect(failure(['a', 'b', 'c', 'd'])).toBe('maximum of three arguments allowed for TLS config, found 4');
  });

  it('names a file that cannot be read', () => {
    expect(failure(['missing.crt', 'server.key'], dir)).toMatch(
      /^error reading TLS certificate .*missing\.crt: ENOENT/,
    );
    expect(failure([file('server.crt'), file('missing.key')])).toMatch(
      /^error reading TLS key .*missing\.key: ENOENT/,
    );
    expect(failure([file('nope.pem')])).toMatch(/^error reading TLS CA file .*nope\.pem: ENOENT/);
  });

  it('rejects a key that does not belong to the certificate', () => {
    expect(failure([file('server.crt'), file('other.key')])).toMatch(
      /^could not load TLS cert: .*server\.crt and .*other\.key: /,
    );
  });

  it('rejects a CA file without certificates', () => {
    expect(failure([file('not-a-cert.pem')])).toBe(
      `could not read root certs from ${file('not-a-cert.pem')}: no PEM certificate found`,
    );
    expect(failure([file('server.crt'), file('server.key'), file('server.key')])).toMatch(
      /^could not read root certs from .*server\.key/,
    );
  });
});
