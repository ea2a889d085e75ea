import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { Dispenser } from '@tsdns/core';
import { compileExtra, type ExtraTemplate } from './extra.js';
import type { ListenerTls } from './listener.js';
import type { DnstapEndpoint } from './output.js';

/** CoreDNS's sizes: the queue holds 10,000 messages per unit, the socket buffer 1 MiB per unit. */
export const QUEUE_UNIT = 10_000;
export const WRITE_BUFFER_UNIT = 1 << 20;
/** CoreDNS's bounds on the multipliers. */
export const MAX_WRITE_BUFFER_MULTIPLE = 1024;
export const MAX_QUEUE_MULTIPLE = 4096;

/** One `dnstap` line of a server block. */
export interface DnstapConfig {
  /** `dnstap listen`: collectors connect to SOCKET; otherwise this server connects to it. */
  readonly listen: boolean;
  readonly endpoint: DnstapEndpoint;
  /** A `tls://` listener's certificate (`tls CERT KEY [CA]`). */
  readonly tls: ListenerTls | undefined;
  readonly full: boolean;
  /** Frames the queue holds (10,000 x the `queue` multiplier). */
  readonly queueLimit: number;
  /** Bytes the socket may hold unsent (1 MiB x the `writebuffer` multiplier). */
  readonly writeBufferBytes: number;
  readonly identity: string;
  readonly version: string;
  readonly extra: ExtraTemplate | undefined;
}

export interface ParseOptions {
  /** Base directory of relative socket paths (the `root` plugin's). */
  readonly root: string;
  /** Reported for an argument CoreDNS ignores (a second argument other than `full`). */
  readonly warn?: (message: string) => void;
}

const coreVersion = (createRequire(import.meta.url)('@tsdns/core/package.json') as { version: string })
  .version;

/** The default `version`: the server software and its version, as CoreDNS sends "CoreDNS-1.x.y". */
export const DEFAULT_VERSION = `tsdns-${coreVersion}`;

/**
 * Parses every `dnstap` line of a block (CoreDNS's parseConfig):
 *
 *     dnstap [listen] SOCKET [full] [WRITEBUFFER] [QUEUE] {
 *         identity IDENTITY
 *         version VERSION
 *         extra EXTRA
 *         tls CERT KEY [CA]      (listen only)
 *         skipverify
 *     }
 *
 * SOCKET is `unix://PATH`, a bare PATH, `tcp://HOST:PORT` or `tls://HOST:PORT`.
 */
export function parseDnstap(c: Dispenser, opts: ParseOptions): DnstapConfig[] {
  const configs: DnstapConfig[] = [];
  while (c.next()) {
    let args = c.remainingArgs();
    const listen = args[0] === 'listen';
    if (listen) {
      args = args.slice(1);
      if (args.length === 0) throw c.err('dnstap listen requires an endpoint argument');
    }
    if (args.length === 0 || args.length > 4) throw c.argErr();
    let full = false;
    if (args.length >= 2) {
      full = args[1] === 'full';
      if (!full) opts.warn?.(`'${args[1]}' is not 'full': wire-format messages are not included`);
    }
    const writeBuffer = args.length >= 3 ? multiple(c, 'writebuffer', args[2], MAX_WRITE_BUFFER_MULTIPLE) : 1;
    const queue = args.length >= 4 ? multiple(c, 'queue', args[3], MAX_QUEUE_MULTIPLE) : 1;

    let identity = hostname();
    let version = DEFAULT_VERSION;
    let extra: ExtraTemplate | undefined;
    let skipVerify = false;
    let tlsFiles: string[] | undefined;
    while (c.nextBlock()) {
      const property = c.val();
      switch (property) {
        case 'identity':
          identity = single(c);
          break;
        case 'version':
          version = single(c);
          break;
        case 'extra':
          extra = compileExtra(single(c));
          break;
        case 'tls': {
          if (!listen) throw c.err('tls directive only valid for listeners');
          const files = c.remainingArgs();
          if (files.length < 2 || files.length > 3)
            throw c.err('tls requires cert and key file paths, and maybe a CA');
          tlsFiles = files.map((f) => (isAbsolute(f) ? f : resolve(opts.root, f)));
          break;
        }
        case 'skipverify':
          if (c.remainingArgs().length > 0) throw c.argErr();
          skipVerify = true;
          break;
        default:
          throw c.err(`unknown property '${property}'`);
      }
    }
    const endpoint = parseEndpoint(c, args[0], skipVerify, opts.root);
    if (listen && endpoint.kind === 'tls' && tlsFiles === undefined)
      throw c.err('a tls:// listener needs tls CERT KEY [CA]');
    configs.push({
      listen,
      endpoint,
      tls:
        tlsFiles === undefined
          ? undefined
          : { cert: tlsFiles[0], key: tlsFiles[1], ca: tlsFiles[2], skipVerify },
      full,
      queueLimit: queue * QUEUE_UNIT,
      writeBufferBytes: writeBuffer * WRITE_BUFFER_UNIT,
      identity,
      version,
      extra,
    });
  }
  return configs;
}

function single(c: Dispenser): string {
  const args = c.remainingArgs();
  if (args.length !== 1) throw c.argErr();
  return args[0];
}

const DIGITS = /^\d+$/;

function multiple(c: Dispenser, what: string, text: string, max: number): number {
  const v = DIGITS.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(v)) throw c.err(`invalid ${what} multiplier ${JSON.stringify(text)}`);
  if (v < 1 || v > max) throw c.err(`${what} multiplier must be between 1 and ${max}: ${v}`);
  return v;
}

/** `tcp://HOST:PORT` and `tls://HOST:PORT`, or a Unix socket path with or without `unix://`. */
export function parseEndpoint(c: Dispenser, text: string, skipVerify: boolean, root: string): DnstapEndpoint {
  for (const kind of ['tcp', 'tls'] as const) {
    const prefix = `${kind}://`;
    if (!text.startsWith(prefix)) continue;
    const { host, port } = hostPort(c, text.slice(prefix.length), text);
    return kind === 'tcp' ? { kind, host, port } : { kind, host, port, skipVerify };
  }
  const path = text.startsWith('unix://') ? text.slice('unix://'.length) : text;
  if (path === '') throw c.err(`dnstap socket path is empty: ${JSON.stringify(text)}`);
  return { kind: 'unix', path: isAbsolute(path) ? path : resolve(root, path) };
}

function hostPort(c: Dispenser, rest: string, text: string): { host: string; port: number } {
  let host: string;
  let portText: string;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0 || rest[end + 1] !== ':')
      throw c.err(`dnstap endpoint needs HOST:PORT: ${JSON.stringify(text)}`);
    host = rest.slice(1, end);
    portText = rest.slice(end + 2);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon <= 0 || rest.indexOf(':') !== colon)
      throw c.err(`dnstap endpoint needs HOST:PORT: ${JSON.stringify(text)}`);
    host = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
  }
  const port = DIGITS.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw c.err(`dnstap endpoint has an invalid port: ${JSON.stringify(text)}`);
  if (host === '' || host.includes('/'))
    throw c.err(`dnstap endpoint needs HOST:PORT: ${JSON.stringify(text)}`);
  return { host, port };
}
