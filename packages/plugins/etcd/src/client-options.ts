/**
 * The etcd3 client options for a configuration: endpoints, TLS and credentials as CoreDNS's
 * etcd plugin gives them to Go's clientv3. Only etcd3's types are imported here, so this
 * module (and setup, which needs ClientConfig) loads without the library; client.ts makes
 * the client.
 */
import { rootCertificates } from 'node:tls';
import type { IOptions } from 'etcd3';
import type { TlsFileOptions } from '@tsdns/core';
import type { Endpoint } from './endpoint.js';

/** How long a single etcd request may take (CoreDNS's etcdTimeout). */
export const ETCD_TIMEOUT_MS = 5_000;

/**
 * gRPC keepalive pings on an idle connection notice an etcd that went away without closing
 * it (a network partition); the watch then fails and queries answer SERVFAIL instead of
 * stale data. etcd refuses pings more often than every 5 s by default, so 10 s.
 */
const KEEPALIVE_MS = 10_000;

export interface ClientConfig {
  readonly endpoints: readonly Endpoint[];
  /** From the `tls` option; undefined when it is absent. */
  readonly tls: TlsFileOptions | undefined;
  readonly username: string;
  readonly password: string;
}

/**
 * Whether the connections use TLS. As Go's clientv3 decides it from the first endpoint: an
 * https URL always does (with the system's roots when `tls` is absent), an http URL never
 * does (the `tls` settings go unused), and a bare host:port does when `tls` is given.
 */
export function usesTls(config: Pick<ClientConfig, 'endpoints' | 'tls'>): boolean {
  const scheme = config.endpoints[0]?.scheme;
  return scheme === 'https' || (scheme === undefined && config.tls !== undefined);
}

/** The etcd3 options for a configuration. */
export function clientOptions(config: ClientConfig): IOptions {
  const options: IOptions = {
    hosts: config.endpoints.map((e) => e.address),
    dialTimeout: ETCD_TIMEOUT_MS,
    // Streams (the watch) live as long as they can; single requests get CoreDNS's timeout.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + ETCD_TIMEOUT_MS }),
    grpcOptions: {
      'grpc.keepalive_time_ms': KEEPALIVE_MS,
      'grpc.keepalive_timeout_ms': ETCD_TIMEOUT_MS,
      'grpc.keepalive_permit_without_calls': 1,
      // A large registry arrives in pages, but one page of big values may still exceed
      // gRPC's 4 MiB default.
      'grpc.max_receive_message_length': -1,
    },
  };
  if (usesTls(config)) {
    const tls = config.tls;
    options.credentials = {
      rootCertificate: tls?.ca ?? Buffer.from(rootCertificates.join('\n')),
      privateKey: tls?.key,
      certChain: tls?.cert,
    };
  }
  // As CoreDNS: credentials only when both are given.
  if (config.username !== '' && config.password !== '') {
    options.auth = { username: config.username, password: config.password };
  }
  return options;
}
