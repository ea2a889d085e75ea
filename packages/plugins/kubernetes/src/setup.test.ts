import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseKubernetes, type ParsedKubernetes } from './setup.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdns-k8s-setup-'));
  writeFileSync(join(dir, 'token'), 'x');
  writeFileSync(
    join(dir, 'kubeconfig'),
    'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: { server: "https://10.0.0.1:6443" }\nusers:\n- name: u\n  user: { token: t }\ncontexts:\n- name: ctx\n  context: { cluster: c, user: u }\ncurrent-context: ctx\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(text: string, zones: string[] = ['cluster.local.']): Promise<ParsedKubernetes> {
  const d = Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), {
    zones,
    config: { root: dir },
  });
  return parseKubernetes(d);
}

async function error(text: string, zones?: string[]): Promise<string> {
  try {
    await parse(text, zones);
  } catch (e) {
    expect(e).toBeInstanceOf(CorefileError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('parseKubernetes', () => {
  it("defaults: the block's zones, in-cluster credentials, CoreDNS's defaults", async () => {
    const { config, warnings } = await parse('kubernetes', ['cluster.local.', '10.in-addr.arpa.']);
    expect(config).toMatchObject({
      zones: ['cluster.local.', '10.in-addr.arpa.'],
      primaryZone: 'cluster.local.',
      credentials: { kind: 'in-cluster' },
      podMode: 'disabled',
      endpointPodNames: false,
      endpoints: true,
      ttl: 5,
      ignoreEmptyService: false,
      multiclusterZones: [],
      startupTimeoutMs: 5000,
    });
    expect(config.fallthrough.zones).toEqual([]);
    expect(config.namespaces).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('reads zones and reverse CIDRs from the arguments (example 6-11)', async () => {
    const { config } = await parse(
      'kubernetes cluster.local 10.0.0.0/8 fd00::/8 {\n pods insecure\n upstream\n fallthrough in-addr.arpa ip6.arpa\n}',
      ['.'],
    );
    expect(config.zones).toEqual(['cluster.local.', '10.in-addr.arpa.', 'd.f.ip6.arpa.']);
    expect(config.podMode).toBe('insecure');
    expect(config.fallthrough.zones).toEqual(['in-addr.arpa.', 'ip6.arpa.']);
  });

  it('reads the whole syntax of the book and current CoreDNS', async () => {
    const { config, warnings } = await parse(`kubernetes cluster.local clusterset.local {
      resyncperiod 30s
      endpoint http://127.0.0.1:8080 http://127.0.0.2:8080
      token_file token
      namespaces default Kube-System
      labels environment in (staging, qa),application=nginx
      pods verified
      endpoint_pod_names
      noendpoints
      ttl 60
      ignore empty_service
      transfer to 10.1.1.1 192.0.2.0/24
      multicluster clusterset.local
      startup_timeout 2s
    }`);
    expect(config).toMatchObject({
      credentials: { kind: 'endpoint', url: 'http://127.0.0.1:8080', tokenFile: join(dir, 'token') },
      podMode: 'verified',
      endpointPodNames: true,
      endpoints: false,
      ttl: 60,
      ignoreEmptyService: true,
      multiclusterZones: ['clusterset.local.'],
      startupTimeoutMs: 2000,
    });
    expect([...config.namespaces!]).toEqual(['default', 'kube-system']);
    expect(config.labels!.toString()).toBe('application=nginx,environment in (qa,staging)');
    expect(config.transferTo!.allows('192.0.2.77')).toBe(true);
    expect(config.transferTo!.allows('10.1.1.2')).toBe(false);
    expect(warnings).toEqual([
      'resyncperiod has no effect: watches keep the copy current (CoreDNS ignores it since 1.5)',
      "Multiple endpoints have been deprecated, only the first specified endpoint 'http://127.0.0.1:8080' is used",
    ]);
  });

  it('prefers a kubeconfig to an endpoint, as CoreDNS does', async () => {
    const { config, warnings } = await parse(
      `kubernetes {\n endpoint https://1.2.3.4\n kubeconfig kubeconfig ctx\n}`,
    );
    expect(config.credentials).toEqual({ kind: 'kubeconfig', file: join(dir, 'kubeconfig'), context: 'ctx' });
    expect(warnings).toContain('endpoint is ignored: kubeconfig is set');
  });

  it('reads namespace_labels', async () => {
    const { config } = await parse('kubernetes {\n namespace_labels istio-injection=enabled\n}');
    expect(config.namespaceLabels!.toString()).toBe('istio-injection=enabled');
  });

  it.each([
    ['kubernetes in-addr.arpa', /Corefile:1 - .*non-reverse zone name must be used/],
    ['kubernetes {\n pods maybe\n}', /Corefile:2 - .*wrong value for pods: maybe/],
    ['kubernetes {\n pods\n}', /Corefile:2 - .*Wrong argument count/],
    ['kubernetes {\n ttl 3601\n}', /Corefile:2 - .*ttl must be in range \[0, 3600\]: 3601/],
    ['kubernetes {\n ttl -1\n}', /Corefile:2 - .*ttl: '-1' is not a number/],
    ['kubernetes {\n ignore everything\n}', /Corefile:2 - .*unable to parse ignore value: 'everything'/],
    ['kubernetes {\n labels a in (b\n}', /Corefile:2 - .*unable to parse labels selector value/],
    [
      'kubernetes {\n namespace_labels =x\n}',
      /Corefile:2 - .*unable to parse namespace_labels selector value/,
    ],
    [
      'kubernetes {\n namespaces a\n namespace_labels x=y\n}',
      /namespaces and namespace_labels cannot both be set/,
    ],
    [
      'kubernetes {\n multicluster other.local\n}',
      /is not authoritative for the multicluster zone other\.local\./,
    ],
    ['kubernetes {\n endpoint ftp://x\n}', /Corefile:2 - .*not an http:\/\/ or https:\/\/ URL/],
    ['kubernetes {\n tls a b\n}', /Corefile:2 - .*Wrong argument count/],
    ['kubernetes {\n tls no.pem no.key no.ca\n}', /Corefile:2 - .*tls: /],
    ['kubernetes {\n kubeconfig missing\n}', /Corefile:2 - .*no such file/],
    ['kubernetes {\n kubeconfig kubeconfig nope\n}', /Corefile:2 - .*context "nope" does not exist/],
    ['kubernetes {\n token_file token\n}', /token_file needs an endpoint/],
    [
      'kubernetes {\n transfer from 10.0.0.1\n}',
      /Corefile:2 - .*transfer from: kubernetes serves primary zones only|not an option/,
    ],
    ['kubernetes {\n resyncperiod often\n}', /Corefile:2 - .*resyncperiod/],
    ['kubernetes {\n startup_timeout\n}', /Corefile:2 - .*Wrong argument count/],
    ['kubernetes {\n noendpoints please\n}', /Corefile:2 - .*Wrong argument count/],
    ['kubernetes {\n zonal\n}', /Corefile:2 - .*unknown property 'zonal'/],
    ['kubernetes {\n fallthrough not_a_zone..\n}', /Corefile:2 - .*fallthrough: invalid zone/],
  ])('rejects %j', async (text, why) => {
    expect(await error(text)).toMatch(why);
  });
});
