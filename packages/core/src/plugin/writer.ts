import type { Message } from '../wire/types.js';

export type Transport = 'udp' | 'tcp' | 'tls' | 'grpc' | 'https';

/**
 * Where a handler writes its response (CoreDNS's dns.ResponseWriter). The server's writers
 * encode the message, fit it to the client's UDP buffer size (setting TC when it must drop
 * records) and send it. Mutating plugins wrap a writer (see recorder.ts).
 */
export interface ResponseWriter {
  /**
   * Encodes and sends the response. A writer accepts one response per query. Returns the
   * number of bytes sent when the writer knows it (the server's writers do; a writer that
   * only captures returns nothing).
   */
  write(msg: Message): number | void;
  readonly transport: Transport;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}
