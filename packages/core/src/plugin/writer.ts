import type { Message } from '../wire/types.js';

export type Transport = 'udp' | 'tcp' | 'tls' | 'grpc' | 'https';

/**
 * Where a handler writes its response (CoreDNS's dns.ResponseWriter). The server's writers
 * encode the message, fit it to the client's UDP buffer size (setting TC when it must drop
 * records) and send it. Mutating plugins wrap a writer (see recorder.ts).
 */
export interface ResponseWriter {
  /** Encodes and sends the response. A writer accepts one response per query. */
  write(msg: Message): void;
  readonly transport: Transport;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}
