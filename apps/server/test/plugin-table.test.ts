import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pluginTable } from '../src/generated/plugins.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * The directives of CoreDNS's own plugin.cfg (master, 2025), in its order: the reference
 * tsdns's plugin.cfg keeps for the plugins it has. Which of them tsdns has is read from
 * the generated table, not listed here.
 */
// prettier-ignore
const COREDNS_ORDER: readonly string[] = [
  'root', 'metadata', 'geoip', 'cancel', 'tls', 'quic', 'grpc_server', 'https', 'https3',
  'timeouts', 'multisocket', 'reload', 'nsid', 'bufsize', 'bind', 'debug', 'trace', 'ready',
  'health', 'pprof', 'prometheus', 'errors', 'log', 'dnstap', 'local', 'dns64', 'any', 'chaos',
  'loadbalance', 'tsig', 'cache', 'rewrite', 'acl', 'header', 'dnssec', 'autopath', 'minimal',
  'template', 'transfer', 'hosts', 'route53', 'azure', 'clouddns', 'k8s_external', 'kubernetes',
  'file', 'auto', 'secondary', 'etcd', 'loop', 'forward', 'grpc', 'erratic', 'whoami', 'on',
  'sign', 'view', 'nomad',
];

/**
 * Pairs [earlier, later] that tsdns's plugin.cfg orders the other way round from CoreDNS.
 * None today; an entry records a deliberate, explained difference.
 */
const DIFFERENCES_FROM_COREDNS: ReadonlyArray<readonly [string, string]> = [];

const ours = pluginTable.map((p) => p.directive);

describe('the generated plugin table', () => {
  it('lists the plugins of plugin.cfg in its order, each definition named after its directive', () => {
    const cfg = readFileSync(join(appDir, 'plugin.cfg'), 'utf8');
    const directives = cfg
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== '')
      .map((l) => l.split(':')[0]);
    expect(ours).toEqual(directives);
    for (const p of pluginTable) expect(p.definition.name).toBe(p.directive);
  });

  it('has only directives CoreDNS has, each once', () => {
    expect(ours.filter((d) => !COREDNS_ORDER.includes(d))).toEqual([]);
    expect(new Set(ours).size).toBe(ours.length);
  });

  it("keeps CoreDNS's relative order, but for the known differences", () => {
    const inverted: string[] = [];
    for (let i = 0; i < ours.length; i++) {
      for (let j = i + 1; j < ours.length; j++) {
        if (COREDNS_ORDER.indexOf(ours[i]) > COREDNS_ORDER.indexOf(ours[j]))
          inverted.push(`${ours[i]} before ${ours[j]}`);
      }
    }
    expect(inverted.sort()).toEqual(DIFFERENCES_FROM_COREDNS.map(([a, b]) => `${a} before ${b}`).sort());
  });
});
