// The manifests of deploy/: valid YAML, resources that fit together the way a cluster needs
// them, and a ConfigMap Corefile this build of tsdns can run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseCorefile } from '@tsdns/core';
import { pluginTable } from '../src/generated/plugins.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const deployDir = join(appDir, 'deploy');

/** Just enough of the resources' shapes to walk them. */
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Port {
  name?: string;
  port?: number;
  containerPort?: number;
  protocol: string;
}
interface Probe {
  httpGet: { path: string; port: number; scheme: string };
}
interface Container {
  image: string;
  args: string[];
  ports: Port[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  resources: { limits: { memory: string }; requests: { cpu: string; memory: string } };
  securityContext: {
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    runAsNonRoot: boolean;
    capabilities: { add: string[]; drop: string[] };
  };
}
interface PodSpec {
  serviceAccountName: string;
  dnsPolicy: string;
  containers: Container[];
  volumes: { name: string; configMap: { name: string; items: { key: string; path: string }[] } }[];
  affinity: {
    podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { topologyKey: string }[] };
  };
  securityContext: { sysctls: { name: string; value: string }[] };
}

const resources = loadAll(readFileSync(join(deployDir, 'tsdns.yaml'), 'utf8')) as Resource[];

function only(kind: string): Resource {
  const found = resources.filter((r) => r.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
}

const serviceAccount = only('ServiceAccount');
const role = only('ClusterRole') as Resource & { rules: Rule[] };
const binding = only('ClusterRoleBinding') as Resource & {
  roleRef: { kind: string; name: string; apiGroup: string };
  subjects: { kind: string; name: string; namespace: string }[];
};
const configMap = only('ConfigMap') as Resource & { data: { Corefile: string } };
const deployment = only('Deployment') as Resource & {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
};
const service = only('Service') as Resource & {
  spec: { selector: Record<string, string>; clusterIP: string; ports: Port[] };
};
const pod = deployment.spec.template.spec;
const container = pod.containers[0];

function allows(group: string, resource: string, verb: string): boolean {
  return role.rules.some(
    (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
  );
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('deploy/tsdns.yaml', () => {
  it('holds the six resources a cluster DNS needs, in kube-system', () => {
    expect(resources.map((r) => r.kind)).toEqual([
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'Service',
    ]);
    for (const r of [serviceAccount, configMap, deployment, service])
      expect(r.metadata.namespace).toBe('kube-system');
    expect(service.metadata.name).toBe('kube-dns');
  });

  it('lets the service account list and watch what the kubernetes plugin reads, and nothing more', () => {
    for (const resource of ['endpoints', 'services', 'pods', 'namespaces'])
      for (const verb of ['list', 'watch'])
        expect(allows('', resource, verb), `${resource} ${verb}`).toBe(true);
    for (const verb of ['list', 'watch'])
      expect(allows('discovery.k8s.io', 'endpointslices', verb)).toBe(true);
    const verbs = new Set(role.rules.flatMap((r) => r.verbs));
    expect([...verbs].sort()).toEqual(['list', 'watch']);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role.metadata.name,
    });
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: serviceAccount.metadata.name,
        namespace: serviceAccount.metadata.namespace,
      },
    ]);
    expect(pod.serviceAccountName).toBe(serviceAccount.metadata.name);
  });

  it('mounts the ConfigMap where the container is told to read its Corefile', () => {
    const mount = container.volumeMounts[0];
    const volume = pod.volumes.find((v) => v.name === mount.name);
    expect(volume?.configMap.name).toBe(configMap.metadata.name);
    expect(volume?.configMap.items).toEqual([{ key: 'Corefile', path: 'Corefile' }]);
    expect(container.args).toEqual(['-conf', `${mount.mountPath}/Corefile`]);
    expect(mount.readOnly).toBe(true);
  });

  it('probes liveness on :8080/health and readiness on :8181/ready', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 8080, scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8181, scheme: 'HTTP' });
  });

  it('runs unprivileged with limits, allowed to bind port 53, one replica per node', () => {
    expect(container.resources.limits.memory).toBe('170Mi');
    expect(container.resources.requests).toEqual({ cpu: '100m', memory: '70Mi' });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
    });
    expect(pod.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ip_unprivileged_port_start', value: '53' },
    ]);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
      'kubernetes.io/hostname',
    );
    expect(pod.dnsPolicy).toBe('Default');
    expect(container.image).toBe('TSDNS_IMAGE');
  });

  it('selects its own pods, and the Service reaches them on 53/UDP, 53/TCP and 9153/TCP', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(labelsMatch(deployment.spec.selector.matchLabels, labels)).toBe(true);
    expect(labelsMatch(service.spec.selector, labels)).toBe(true);
    const ports = (list: Port[]) => list.map((p) => `${p.port ?? p.containerPort}/${p.protocol}`);
    expect(ports(service.spec.ports)).toEqual(['53/UDP', '53/TCP', '9153/TCP']);
    expect(ports(container.ports)).toEqual(['53/UDP', '53/TCP', '9153/TCP']);
  });
});

describe("the ConfigMap's Corefile", () => {
  const blocks = parseCorefile(configMap.data.Corefile, { filename: 'Corefile', env: {} });
  const compiledIn = new Set(pluginTable.map((p) => p.directive));

  const directives = [...blocks[0].directives.keys()];
  const notCompiledIn = directives.filter((d) => !compiledIn.has(d));

  it("parses into one block of the directives of CoreDNS's deployment", () => {
    expect(blocks).toHaveLength(1);
    expect(directives).toEqual([
      'errors',
      'health',
      'ready',
      'kubernetes',
      'prometheus',
      'forward',
      'cache',
      'loop',
      'reload',
      'loadbalance',
    ]);
  });

  it('names only plugins compiled into this build', () => {
    expect(notCompiledIn).toEqual([]);
  });

  it('serves port 53 for every zone, with the cluster domain and every reverse zone for kubernetes', () => {
    expect(blocks[0].addresses.map((a) => [a.zone, a.port])).toEqual([['.', '53']]);
    /** The arguments on the directive's own line. */
    const args = (name: string): string[] => {
      const [word, ...rest] = blocks[0].directives.get(name)!.tokens;
      return rest.filter((t) => t.line === word.line && t.text !== '{').map((t) => t.text);
    };
    expect(args('kubernetes')).toEqual(['cluster.local', 'in-addr.arpa', 'ip6.arpa']);
    expect(args('prometheus')).toEqual([':9153']);
    expect(args('forward')).toEqual(['.', '/etc/resolv.conf']);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(join(deployDir, 'Dockerfile'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { bin: { tsdns: string } };

  it("runs the package's tsdns program with the Corefile the Deployment mounts", () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(dockerfile)![1]) as string[];
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]) as string[];
    expect(entrypoint).toEqual(['node', `/opt/tsdns/apps/server/${pkg.bin.tsdns.replace(/^\.\//, '')}`]);
    expect(cmd).toEqual(container.args);
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
  });
});
