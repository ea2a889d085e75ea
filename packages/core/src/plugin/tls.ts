import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

/** A `tls` argument list that cannot be turned into TLS settings. */
export class TlsArgsError extends Error {
  override readonly name = 'TlsArgsError';
}

/** What `tlsOptionsFromArgs` returns: ready for tls.createServer / tls.connect. */
export interface TlsFileOptions extends SecureContextOptions {
  cert?: Buffer;
  key?: Buffer;
  /** When absent, Node's bundled root certificates are used. */
  ca?: Buffer;
  minVersion: 'TLSv1.2';
}

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/**
 * Turns the arguments of a `tls` directive or option into TLS settings, with CoreDNS's
 * rules (plugin/pkg/tls NewTLSConfigFromArgs):
 *  - no argument: no certificate of our own, the system's root CAs verify the peer;
 *  - `CA`: no certificate of our own, the CA file verifies the peer;
 *  - `CERT KEY`: our certificate and key, the system's roots verify the peer;
 *  - `CERT KEY CA`: our certificate and key, the CA file verifies the peer.
 * Relative paths are taken from `root` (the server block's `root`, when set). Files are read
 * and checked now, so a bad path or a key that does not match its certificate fails at
 * startup. TLS 1.2 is the minimum version. Throws TlsArgsError.
 */
export function tlsOptionsFromArgs(args: readonly string[], root?: string): TlsFileOptions {
  if (args.length > 3) {
    throw new TlsArgsError(`maximum of three arguments allowed for TLS config, found ${args.length}`);
  }
  const path = (p: string): string =>
    root !== undefined && root !== '' && !isAbsolute(p) ? join(root, p) : p;
  const options: TlsFileOptions = { minVersion: 'TLSv1.2' };
  if (args.length === 1) options.ca = readCa(path(args[0]));
  if (args.length >= 2) {
    const certPath = path(args[0]);
    const keyPath = path(args[1]);
    const cert = readTlsFile(certPath, 'certificate');
    const key = readTlsFile(keyPath, 'key');
    try {
      createSecureContext({ cert, key });
    } catch (e) {
      throw new TlsArgsError(`could not load TLS cert: ${certPath} and ${keyPath}: ${errorText(e)}`);
    }
    options.cert = cert;
    options.key = key;
    if (args.length === 3) options.ca = readCa(path(args[2]));
  }
  return options;
}

function readTlsFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new TlsArgsError(`error reading TLS ${what} ${path}: ${errorText(e)}`);
  }
}

function readCa(path: string): Buffer {
  const ca = readTlsFile(path, 'CA file');
  let valid = ca.includes(PEM_CERTIFICATE);
  if (valid) {
    try {
      createSecureContext({ ca });
    } catch {
      valid = false;
    }
  }
  if (!valid) throw new TlsArgsError(`could not read root certs from ${path}: no PEM certificate found`);
  return ca;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
