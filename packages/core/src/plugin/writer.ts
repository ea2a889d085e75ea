import type { Message } from '../wire/types.js';

export type Transport = 'udp' | 'tcp' | 'tls' | 'grpc' | 'https';

/**
 * Where a handler writes its response (CoreDNS's dns.ResponseWriter). The server's writers
 * encode the message, fit it to the client's UDP buffer size (setting TC when it must drop
 * records) and send it. Mutating plugins wrap a writer (see recorder.ts).
 */
export interface ResponseWriter {
  /**
   * Encodes and sends the response. A writer accepts one response per query, with one
   * exception: over TCP, an AXFR or IXFR answer is a stream of messages (RFC 5936 2.2), and
   * each write sends the next one. Returns the number of bytes sent when the writer knows
   * it (the server's writers do; a writer that only captures returns nothing).
   */
  write(msg: Message): number | void;
  /**
   * For streams of messages (zone transfers): true when the connection can take another
   * message now, a Promise of true once it has drained what was written, false (or a
   * Promise of false) when the connection is gone and writing is pointless. Writers that
   * do not implement it never make a writer wait. Wrapping writers pass it through.
   */
  whenWritable?(): boolean | Promise<boolean>;
  readonly transport: Transport;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}
