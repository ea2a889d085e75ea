/**
 * The credentials a Corefile names (in-cluster service account, a kubeconfig file and
 * context, or an explicit endpoint with client certificates or a token file) and the way
 * to a @kubernetes/client-node KubeConfig for them.
 *
 * The KubeConfig is built by kubeconfig.ts, imported only here and only when asked for:
 * importing the library costs about 440 ms and 27 MB of heap, and the executable imports
 * every plugin whether or not its Corefile has a `kubernetes` block.
 */
import type { KubeConfig } from '@kubernetes/client-node';

/** Where a pod finds its service account's token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The credentials the Corefile chose (CoreDNS's precedence: kubeconfig, then endpoint, then in-cluster). */
export type Credentials =
  | { readonly kind: 'in-cluster' }
  | { readonly kind: 'kubeconfig'; readonly file: string; readonly context: string | undefined }
  | {
      readonly kind: 'endpoint';
      readonly url: string;
      /** Client certificate, key and the CA that signs the server's certificate (`tls`). */
      readonly tls: { readonly cert: string; readonly key: string; readonly ca: string } | undefined;
      /** A file holding a bearer token (`token_file`), re-read as it rotates. */
      readonly tokenFile: string | undefined;
    };

/** Where in-cluster credentials are read from (injectable for tests). */
export interface InClusterSource {
  /** Holds KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The service account directory (token, ca.crt). */
  readonly serviceAccountDir: string;
}

/** Credentials that cannot be used; setup reports the message with the Corefile line. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

/** The KubeConfig for `credentials`; rejects with CredentialsError when it cannot work. */
export async function kubeConfigFor(
  credentials: Credentials,
  inClusterSource: InClusterSource,
): Promise<KubeConfig> {
  const { buildKubeConfig } = await import('./kubeconfig.js');
  return buildKubeConfig(credentials, inClusterSource);
}

/** Loads a kubeconfig and selects its context; rejects with CredentialsError (setup checks it early). */
export async function loadKubeconfig(file: string, context: string | undefined): Promise<KubeConfig> {
  const { fromKubeconfig } = await import('./kubeconfig.js');
  return fromKubeconfig(file, context);
}
