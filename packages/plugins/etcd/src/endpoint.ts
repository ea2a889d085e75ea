/** The `endpoint` arguments of the Corefile: etcd client URLs as gRPC dials them. */

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
