/**
 * One-shot DNS exchanges for tests: a query over UDP or TCP decoded with core's codec, and
 * raw byte exchanges for feeding a server malformed input.
 */
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decodeMessage, encodeMessage, type Message } from '@tsdns/core';
import {
  DEFAULT_HOST,
  DEFAULT_TIMEOUT,
  QueryTimeoutError,
  buildQuery,
  type ClientTransport,
  type QueryOptions,
  type Target,
} from './query-message.js';
import { TcpClient } from './tcp.js';

/** Sends one query and resolves with the decoded answer. Rejects with QueryTimeoutError. */
export function query(target: Target, name: string, type: string, opts: QueryOptions = {}): Promise<Message> {
  return exchange(target, buildQuery(name, type, opts), opts);
}

/** Sends a prepared message and resolves with the decoded answer that carries its id. */
export async function exchange(
  target: Target,
  msg: Message,
  opts: { transport?: ClientTransport; timeout?: number } = {},
): Promise<Message> {
  const timeout = opts.timeout ?? DEFAULT_TIMEOUT;
  if (opts.transport === 'tcp') {
    const client = await TcpClient.connect(target, { timeout });
    try {
      return await client.exchange(msg, { timeout });
    } finally {
      client.close();
    }
  }
  const id = msg.id;
  const reply = await udpExchange(target, encodeMessage(msg), timeout, (bytes) => readId(bytes) === id);
  if (reply === undefined) throw new QueryTimeoutError(target, 'udp', timeout);
  return decodeMessage(reply);
}

/**
 * Sends bytes as they are (over TCP as one frame, the length prefix added) and resolves
 * with the first reply's bytes, or undefined when none comes within the timeout (or the
 * server closes the TCP connection without one).
 */
export async function sendRaw(
  target: Target,
  bytes: Uint8Array,
  transport: ClientTransport = 'udp',
  opts: { timeout?: number } = {},
): Promise<Uint8Array | undefined> {
  const timeout = opts.timeout ?? DEFAULT_TIMEOUT;
  if (transport === 'udp') return udpExchange(target, bytes, timeout, () => true);
  const client = await TcpClient.connect(target, { timeout });
  try {
    return await client.sendRaw(bytes, { timeout });
  } finally {
    client.close();
  }
}

function readId(bytes: Uint8Array): number {
  return bytes.length >= 2 ? (bytes[0] << 8) | bytes[1] : -1;
}

/** One datagram out; the first datagram from the target that `accept`s comes back. */
function udpExchange(
  target: Target,
  bytes: Uint8Array,
  timeout: number,
  accept: (reply: Uint8Array) => boolean,
): Promise<Uint8Array | undefined> {
  const host = target.host ?? DEFAULT_HOST;
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (err: Error | undefined, reply: Uint8Array | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply);
    };
    const timer = setTimeout(() => finish(undefined, undefined), timeout);
    socket.on('error', (err) => finish(err, undefined));
    socket.on('message', (data, rinfo) => {
      // Only the server asked may answer; anything else reaching this ephemeral port is noise.
      if (rinfo.port !== target.port) return;
      const reply = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (accept(reply)) finish(undefined, reply);
    });
    socket.send(bytes, target.port, host, (err) => {
      if (err) finish(err, undefined);
    });
  });
}
