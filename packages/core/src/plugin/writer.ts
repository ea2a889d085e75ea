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
   * Sends a response that is already in wire form: the fast path for answers a plugin keeps
   * encoded, made with PackedResponse (a cache's hits). Plugins answer with `write`; this
   * is only for bytes that are exactly what `write` would send for the same Message: this
   * query's ID and question, an OPT record exactly when the query had one (so never an
   * extended rcode beyond the header's four bits), within the client's size. The writer
   * checks none of that, and keeps the array (do not change it afterwards). Returns the
   * number of bytes sent, 0 when a response was written already.
   *
   * Optional: the server's writers have it, and wrapping writers offer it when the writer
   * they wrap does and they can work on bytes (WrappingWriter's `bytes` flag: recorders,
   * the plugin tracker, loadbalance). A writer that must have the Message (to store or
   * change it) leaves it undefined, so a plugin that has bytes checks for it and
   * otherwise writes the Message.
   */
  writeBytes?(bytes: Uint8Array): number;
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
