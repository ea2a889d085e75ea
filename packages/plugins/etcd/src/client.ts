/**
 * The etcd3 client for a configuration: endpoints, TLS and credentials as CoreDNS's etcd
 * plugin gives them to Go's clientv3.
 */
import { rootCertificates } from 'node:tls';
import { Etcd3, type IOptions } from 'etcd3';
import type { TlsFileOptions } from '@tsdns/core';

/** How long a single etcd request may take (CoreDNS's etcdTimeout). */
export const ETCD_TIMEOUT_MS = 5_000;

/**
 * gRPC keepalive pings on an idle connection notice an etcd that went away without closing
 * it (a network partition); the watch then fails and queries answer SERVFAIL instead of
 * stale data. etcd refuses pings more often than every 5 s by default, so 10 s.
 */
const KEEPALIVE_MS = 10_000;

/** An `endpoint` argument that is not an etcd client URL. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
}

export interface Endpoint {
  /** As written in the Corefile. */
  readonly text: string;
  /** 'https' or 'http' when the URL says so, undefined for a bare host:port. */
  readonly scheme: 'http' | 'https' | undefined;
  /** host:port as gRPC dials it ([v6]:port for IPv6). */
  readonly address: string;
}

const ENDPOINT = /^(?:(https?):\/\/)?(\[[0-9A-Fa-f:.]+\]|[^/:@\s[\]]+):(\d{1,5})\/?$/;

/** Parses `http://host:port`, `https://host:port` or `host:port`. Throws EndpointError. */
export function parseEndpoint(text: string): Endpoint {
  const m = ENDPOINT.exec(text);
  if (m === null || Number(m[3]) > 65535 || Number(m[3]) === 0) {
    throw new EndpointError(
      `invalid endpoint '${text}': want http://HOST:PORT, https://HOST:PORT or HOST:PORT`,
    );
  }
  return { text, scheme: m[1] as 'http' | 'https' | undefined, address: `${m[2]}:${m[3]}` };
}

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

export function createClient(config: ClientConfig): Etcd3 {
  return new Etcd3(clientOptions(config));
}
