/**
 * Builds a @kubernetes/client-node KubeConfig from the Corefile's credentials. This module
 * imports the library, so it is itself imported only on demand (see credentials.ts).
 */
import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import { CredentialsError, type Credentials, type InClusterSource } from './credentials.js';

function inCluster(src: InClusterSource): KubeConfig {
  const host = src.env.KUBERNETES_SERVICE_HOST;
  const port = src.env.KUBERNETES_SERVICE_PORT;
  if (host === undefined || host === '' || port === undefined || port === '')
    throw new CredentialsError(
      'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
    );
  const tokenFile = join(src.serviceAccountDir, 'token');
  if (!existsSync(tokenFile))
    throw new CredentialsError(
      `unable to load in-cluster configuration: no service account token at ${tokenFile}`,
    );
  const caFile = join(src.serviceAccountDir, 'ca.crt');
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const cluster: Cluster = {
    name: 'in-cluster',
    server,
    skipTLSVerify: false,
    caFile: existsSync(caFile) ? caFile : undefined,
  };
  const user: User = { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } };
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(cluster, user);
  return kc;
}

function fromEndpoint(c: Extract<Credentials, { kind: 'endpoint' }>): KubeConfig {
  let url: URL;
  try {
    url = new URL(c.url);
  } catch {
    throw new CredentialsError(`invalid endpoint URL "${c.url}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CredentialsError(`endpoint URL "${c.url}" must be http:// or https://`);
  for (const f of [c.tls?.cert, c.tls?.key, c.tls?.ca, c.tokenFile]) {
    if (f !== undefined && !existsSync(f)) throw new CredentialsError(`${f}: no such file`);
  }
  const cluster: Cluster = {
    name: 'endpoint',
    server: url.origin + url.pathname.replace(/\/$/, ''),
    // The library refuses plain HTTP unless told not to verify; there is nothing to verify.
    skipTLSVerify: url.protocol === 'http:',
    caFile: c.tls?.ca,
  };
  const user: User = {
    name: 'endpoint',
    certFile: c.tls?.cert,
    keyFile: c.tls?.key,
    authProvider:
      c.tokenFile === undefined ? undefined : { name: 'tokenFile', config: { tokenFile: c.tokenFile } },
  };
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(cluster, user);
  return kc;
}

/** Loads a kubeconfig and selects its context; throws CredentialsError (setup checks it early). */
export function fromKubeconfig(file: string, context: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw new CredentialsError(`kubeconfig ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (context !== undefined) {
    if (kc.getContextObject(context) === null)
      throw new CredentialsError(`kubeconfig ${file}: context "${context}" does not exist`);
    kc.setCurrentContext(context);
  }
  if (kc.getCurrentCluster() === null)
    throw new CredentialsError(`kubeconfig ${file}: no cluster for context "${kc.getCurrentContext()}"`);
  // kubectl talks plain HTTP to an http:// server; the library does only when told not to verify.
  kc.clusters = kc.clusters.map((cl) =>
    cl.server.startsWith('http://') ? { ...cl, skipTLSVerify: true } : cl,
  );
  return kc;
}

/** The KubeConfig for `credentials`; throws CredentialsError when it cannot work. */
export function buildKubeConfig(credentials: Credentials, inClusterSource: InClusterSource): KubeConfig {
  switch (credentials.kind) {
    case 'in-cluster':
      return inCluster(inClusterSource);
    case 'endpoint':
      return fromEndpoint(credentials);
    case 'kubeconfig':
      return fromKubeconfig(credentials.file, credentials.context);
  }
}
