/**
 * Reads the `kubernetes` directive: the book's syntax (chapter 6) and the options current
 * CoreDNS users rely on.
 *
 *     kubernetes [ZONES...] {
 *         resyncperiod DURATION
 *         endpoint URL
 *         tls CERT KEY CACERT
 *         token_file FILE
 *         kubeconfig KUBECONFIG [CONTEXT]
 *         namespaces NAMESPACE...
 *         namespace_labels EXPRESSION
 *         labels EXPRESSION
 *         pods disabled|insecure|verified
 *         endpoint_pod_names
 *         noendpoints
 *         ttl TTL
 *         fallthrough [ZONES...]
 *         ignore empty_service
 *         upstream [ADDRESS...]
 *         transfer to ADDRESS...
 *         multicluster ZONES...
 *         startup_timeout DURATION
 *     }
 *
 * `resyncperiod` and `upstream` are accepted for old Corefiles and have no effect (as in
 * CoreDNS since 1.5 and 1.4); they are reported in `warnings`. `token_file` is a tsdns
 * addition: a bearer token for `endpoint`. Errors cite the Corefile line.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  DurationError,
  Fallthrough,
  parseFallthrough,
  TlsArgsError,
  parseGoDuration,
  parseTransferOption,
  tlsOptionsFromArgs,
  zonesOf,
  type AddressAcl,
  type Controller,
  type Dispenser,
} from '@tsdns/core';
import { CredentialsError, loadKubeconfig, type Credentials } from './credentials.js';
import type { PodMode } from './lookup.js';
import { SelectorError, parseLabelSelector, type LabelSelector } from './selector.js';
import { DEFAULT_TTL } from './view.js';

/** How long startup waits for the first sync (CoreDNS's startup_timeout default). */
export const DEFAULT_STARTUP_TIMEOUT_MS = 5000;
/** The largest `ttl` CoreDNS accepts. */
export const MAX_TTL = 3600;

export interface KubernetesConfig {
  /** The zones answered, lowercased and absolute; reverse CIDRs expanded. */
  readonly zones: readonly string[];
  /** The first forward zone: PTR answers point into it. */
  readonly primaryZone: string;
  readonly credentials: Credentials;
  readonly namespaces: ReadonlySet<string> | undefined;
  readonly namespaceLabels: LabelSelector | undefined;
  readonly labels: LabelSelector | undefined;
  readonly podMode: PodMode;
  readonly endpointPodNames: boolean;
  /** False with `noendpoints`: endpoint slices are not watched. */
  readonly endpoints: boolean;
  readonly ttl: number;
  readonly fallthrough: Fallthrough;
  readonly ignoreEmptyService: boolean;
  readonly multiclusterZones: readonly string[];
  readonly transferTo: AddressAcl | undefined;
  readonly startupTimeoutMs: number;
}

export interface ParsedKubernetes {
  readonly config: KubernetesConfig;
  /** Options accepted but without effect, worth a warning in the log. */
  readonly warnings: readonly string[];
}

/** What parseKubernetes needs of the Controller: its tokens, the block's zones and `root`. */
export type KubernetesSetupContext = Dispenser &
  Pick<Controller, 'zones'> & { readonly config: Pick<Controller['config'], 'root'> };

function isReverseZone(zone: string): boolean {
  return zone.endsWith('in-addr.arpa.') || zone.endsWith('ip6.arpa.');
}

function zonesFrom(c: KubernetesSetupContext, args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const z = zonesOf(arg);
    if (z.length === 0) throw c.err(`invalid zone '${arg}'`);
    for (const zone of z) if (!out.includes(zone)) out.push(zone);
  }
  return out;
}

function duration(c: KubernetesSetupContext, option: string): number {
  const args = c.remainingArgs();
  if (args.length !== 1) throw c.argErr();
  try {
    return parseGoDuration(args[0]) / 1e6;
  } catch (e) {
    if (e instanceof DurationError) throw c.err(`${option}: ${e.message}`);
    throw e;
  }
}

function selector(c: KubernetesSetupContext, option: string): LabelSelector {
  const args = c.remainingArgs();
  if (args.length === 0) throw c.argErr();
  const text = args.join(' ');
  try {
    return parseLabelSelector(text);
  } catch (e) {
    if (e instanceof SelectorError)
      throw c.err(`unable to parse ${option} selector value: '${text}': ${e.message}`);
    throw e;
  }
}

/**
 * Parses the directive (once per server block: a second `kubernetes` is the Controller's
 * "once" error). Rejects with the Controller's CorefileError citing the line. Async because
 * checking a kubeconfig loads the client library, which is imported only when needed.
 */
export async function parseKubernetes(c: KubernetesSetupContext): Promise<ParsedKubernetes> {
  if (!c.next()) throw c.argErr();
  const args = c.remainingArgs();
  const zones = args.length === 0 ? [...c.zones] : zonesFrom(c, args);
  const primaryZone = zones.find((z) => !isReverseZone(z));
  if (primaryZone === undefined) throw c.err('non-reverse zone name must be used');
  const file = (p: string): string => (c.config.root !== '' && !isAbsolute(p) ? join(c.config.root, p) : p);

  const warnings: string[] = [];
  let endpoint: string | undefined;
  let tls: { cert: string; key: string; ca: string } | undefined;
  let tokenFile: string | undefined;
  let kubeconfig: { file: string; context: string | undefined } | undefined;
  let namespaces: Set<string> | undefined;
  let namespaceLabels: LabelSelector | undefined;
  let labels: LabelSelector | undefined;
  let podMode: PodMode = 'disabled';
  let endpointPodNames = false;
  let endpoints = true;
  let ttl = DEFAULT_TTL;
  let fallthrough = Fallthrough.none;
  let ignoreEmptyService = false;
  let multiclusterZones: string[] = [];
  let transferTo: AddressAcl | undefined;
  let startupTimeoutMs = DEFAULT_STARTUP_TIMEOUT_MS;

  while (c.nextBlock()) {
    const option = c.val();
    switch (option) {
      case 'resyncperiod':
        duration(c, option);
        warnings.push(
          'resyncperiod has no effect: watches keep the copy current (CoreDNS ignores it since 1.5)',
        );
        break;
      case 'endpoint': {
        const urls = c.remainingArgs();
        if (urls.length === 0) throw c.argErr();
        if (urls.length > 1)
          warnings.push(
            `Multiple endpoints have been deprecated, only the first specified endpoint '${urls[0]}' is used`,
          );
        try {
          const u = new URL(urls[0]);
          if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError('not http');
        } catch {
          throw c.err(`endpoint: '${urls[0]}' is not an http:// or https:// URL`);
        }
        endpoint = urls[0];
        break;
      }
      case 'tls': {
        const t = c.remainingArgs();
        if (t.length !== 3) throw c.argErr();
        const paths = t.map(file);
        try {
          // Reads and checks the files now (a key that does not match its certificate fails here).
          tlsOptionsFromArgs(paths);
        } catch (e) {
          if (e instanceof TlsArgsError) throw c.err(`tls: ${e.message}`);
          throw e;
        }
        tls = { cert: paths[0], key: paths[1], ca: paths[2] };
        break;
      }
      case 'token_file': {
        const t = c.remainingArgs();
        if (t.length !== 1) throw c.argErr();
        tokenFile = file(t[0]);
        if (!existsSync(tokenFile)) throw c.err(`token_file: ${tokenFile}: no such file`);
        break;
      }
      case 'kubeconfig': {
        const k = c.remainingArgs();
        if (k.length !== 1 && k.length !== 2) throw c.argErr();
        const path = file(k[0]);
        if (!existsSync(path)) throw c.err(`kubeconfig: ${path}: no such file`);
        try {
          // Read now, so a broken file or a missing context is reported on this line.
          await loadKubeconfig(path, k[1]);
        } catch (e) {
          if (e instanceof CredentialsError) throw c.err(e.message);
          throw e;
        }
        kubeconfig = { file: path, context: k[1] };
        break;
      }
      case 'namespaces': {
        const ns = c.remainingArgs();
        if (ns.length === 0) throw c.argErr();
        namespaces ??= new Set();
        for (const n of ns) namespaces.add(n.toLowerCase());
        break;
      }
      case 'namespace_labels':
        namespaceLabels = selector(c, 'namespace_labels');
        break;
      case 'labels':
        labels = selector(c, 'labels');
        break;
      case 'pods': {
        const m = c.remainingArgs();
        if (m.length !== 1) throw c.argErr();
        if (m[0] !== 'disabled' && m[0] !== 'insecure' && m[0] !== 'verified')
          throw c.err(`wrong value for pods: ${m[0]},  must be one of: disabled, verified, insecure`);
        podMode = m[0];
        break;
      }
      case 'endpoint_pod_names':
        if (c.remainingArgs().length !== 0) throw c.argErr();
        endpointPodNames = true;
        break;
      case 'noendpoints':
        if (c.remainingArgs().length !== 0) throw c.argErr();
        endpoints = false;
        break;
      case 'ttl': {
        const t = c.remainingArgs();
        if (t.length !== 1) throw c.argErr();
        if (!/^\d+$/.test(t[0])) throw c.err(`ttl: '${t[0]}' is not a number of seconds`);
        const v = Number(t[0]);
        if (v > MAX_TTL) throw c.err(`ttl must be in range [0, ${MAX_TTL}]: ${v}`);
        ttl = v;
        break;
      }
      case 'fallthrough': {
        fallthrough = parseFallthrough(c);
        break;
      }
      case 'ignore': {
        const what = c.remainingArgs();
        if (what.length !== 1) throw c.argErr();
        if (what[0] !== 'empty_service') throw c.err(`unable to parse ignore value: '${what[0]}'`);
        ignoreEmptyService = true;
        break;
      }
      case 'upstream':
        c.remainingArgs();
        warnings.push(
          'upstream is ignored: CNAME targets outside the zones are always resolved through this server',
        );
        break;
      case 'transfer': {
        const t = parseTransferOption(c, 'kubernetes', ['to']);
        if (t.direction === 'to') transferTo = transferTo === undefined ? t.acl : transferTo.concat(t.acl);
        break;
      }
      case 'multicluster': {
        const zs = c.remainingArgs();
        if (zs.length === 0) throw c.argErr();
        multiclusterZones = zonesFrom(c, zs);
        break;
      }
      case 'startup_timeout':
        startupTimeoutMs = duration(c, option);
        break;
      default:
        throw c.err(`unknown property '${option}'`);
    }
  }
  if (namespaces !== undefined && namespaceLabels !== undefined)
    throw c.err('namespaces and namespace_labels cannot both be set');
  for (const z of multiclusterZones) {
    if (!zones.includes(z))
      throw c.err(
        `is not authoritative for the multicluster zone ${z} (authoritative zones: ${zones.join(', ')})`,
      );
  }
  if (tokenFile !== undefined && endpoint === undefined) throw c.err('token_file needs an endpoint');

  // CoreDNS's precedence: a kubeconfig wins over an endpoint, which wins over in-cluster.
  let credentials: Credentials;
  if (kubeconfig !== undefined) credentials = { kind: 'kubeconfig', ...kubeconfig };
  else if (endpoint !== undefined) credentials = { kind: 'endpoint', url: endpoint, tls, tokenFile };
  else credentials = { kind: 'in-cluster' };
  if (kubeconfig !== undefined && endpoint !== undefined)
    warnings.push('endpoint is ignored: kubeconfig is set');
  if (tls !== undefined && endpoint === undefined) warnings.push('tls is ignored without endpoint');

  return {
    config: {
      zones,
      primaryZone,
      credentials,
      namespaces,
      namespaceLabels,
      labels,
      podMode,
      endpointPodNames,
      endpoints,
      ttl,
      fallthrough,
      ignoreEmptyService,
      multiclusterZones,
      transferTo,
      startupTimeoutMs,
    },
    warnings,
  };
}
