/**
 * What the client's UDP and TCP paths share: where to send, the query options, the query
 * message built from them, and the client's errors.
 */
import { isIPv6 } from 'node:net';
import { Flag, createOpt, type Message } from '@tsdns/core';

/** Where a server listens. `host` defaults to 127.0.0.1. */
export interface Target {
  host?: string;
  port: number;
}

export type ClientTransport = 'udp' | 'tcp';

export interface QueryOptions {
  /** default 'udp' */
  transport?: ClientTransport;
  /** message id; default random */
  id?: number;
  /** RD bit; default true, as dig and kdig send it */
  rd?: boolean;
  /** CD bit; default false */
  cd?: boolean;
  /** DO bit; implies EDNS */
  do?: boolean;
  /** advertised EDNS UDP payload size; implies EDNS (1232 when EDNS is on without it) */
  bufsize?: number;
  /** EDNS version; implies EDNS (default 0) */
  ednsVersion?: number;
  /** send an OPT record even without do/bufsize/ednsVersion */
  edns?: boolean;
  /** header opcode; default 0 (QUERY) */
  opcode?: number;
  /** question class; default 'IN' */
  qclass?: string;
  /** milliseconds to wait for the answer; default 2000 */
  timeout?: number;
}

export const DEFAULT_TIMEOUT = 2000;
/** The EDNS buffer size of DNS Flag Day 2020, which dig and kdig use by default. */
export const DEFAULT_BUFSIZE = 1232;
export const DEFAULT_HOST = '127.0.0.1';

/** No answer arrived in time. */
export class QueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError';
  constructor(
    readonly target: Target,
    readonly transport: ClientTransport,
    readonly timeout: number,
  ) {
    super(`no answer from ${formatTarget(target)} over ${transport} within ${timeout} ms`);
  }
}

/** The server closed the TCP connection while answers were still outstanding. */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
}

/** "127.0.0.1:53", "[::1]:53" */
export function formatTarget(target: Target): string {
  const host = target.host ?? DEFAULT_HOST;
  return isIPv6(host) ? `[${host}]:${target.port}` : `${host}:${target.port}`;
}

export function randomId(): number {
  return Math.floor(Math.random() * 0x10000);
}

/**
 * The query `query()` sends for these options: RD set, no EDNS unless an EDNS option asks
 * for it. Exported so a test can change the message before sending it with `exchange`.
 */
export function buildQuery(name: string, type: string, opts: QueryOptions = {}): Message {
  let flags = ((opts.opcode ?? 0) & 0xf) << 11;
  if (opts.rd ?? true) flags |= Flag.RD;
  if (opts.cd) flags |= Flag.CD;
  const msg: Message = {
    id: opts.id ?? randomId(),
    flags,
    questions: [{ name: name.endsWith('.') ? name : name + '.', type, class: opts.qclass ?? 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
  };
  if (opts.edns || opts.do || opts.bufsize !== undefined || opts.ednsVersion !== undefined) {
    msg.additionals.push(
      createOpt({
        udpPayloadSize: opts.bufsize ?? DEFAULT_BUFSIZE,
        ednsVersion: opts.ednsVersion,
        dnssecOk: opts.do,
      }),
    );
  }
  return msg;
}
