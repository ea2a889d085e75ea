import { describe, expect, it } from 'vitest';
import { Interner, toEndpoints, toService } from './objects.js';
import { ClusterStore, Serial } from './store.js';
import { endpointSlice, service } from './test-support/cluster.js';

describe('ClusterStore', () => {
  it('indexes services by key and address, slices by service and address', () => {
    const s = new ClusterStore();
    const i = new Interner();
    s.cluster.putService(
      toService(
        service('ns', 'a', { clusterIP: '10.0.0.1', externalIPs: ['192.0.2.1'], ports: [{ port: 80 }] }),
        i,
      ),
    );
    s.cluster.putEndpoints('ns/a-1', toEndpoints(endpointSlice('ns', 'a', 'a-1', [{ ip: '10.1.0.1' }]), i));
    s.cluster.putEndpoints('ns/a-2', toEndpoints(endpointSlice('ns', 'a', 'a-2', [{ ip: '10.1.0.2' }]), i));
    expect(s.cluster.service('a.ns')?.name).toBe('a');
    expect(s.cluster.servicesByClusterIP('10.0.0.1')?.map((x) => x.key)).toEqual(['a.ns']);
    expect(s.cluster.servicesByExternalIP('192.0.2.1')).toHaveLength(1);
    expect(s.cluster.endpoints('a.ns')).toHaveLength(2);
    expect(s.cluster.endpointsByIP('10.1.0.2')?.[0].name).toBe('a-2');
    // An update replaces the indexed version.
    s.cluster.putEndpoints('ns/a-2', toEndpoints(endpointSlice('ns', 'a', 'a-2', [{ ip: '10.1.0.3' }]), i));
    expect(s.cluster.endpointsByIP('10.1.0.2')).toBeUndefined();
    expect(s.cluster.endpoints('a.ns')).toHaveLength(2);
    s.cluster.deleteEndpoints('ns/a-1');
    s.cluster.deleteService('a.ns');
    expect(s.cluster.servicesByClusterIP('10.0.0.1')).toBeUndefined();
    expect(s.cluster.endpoints('a.ns')).toHaveLength(1);
    expect(s.cluster.serviceCount).toBe(0);
  });

  it('moves each serial only for changes that alter its answers', () => {
    let now = 100;
    const s = new ClusterStore(() => now);
    const i = new Interner();
    const svc = (labels: Record<string, string>, port: number, ext: string[] = []) =>
      toService(
        service('ns', 'a', { clusterIP: '10.0.0.1', ports: [{ port }], labels, externalIPs: ext }),
        i,
      );
    s.cluster.putService(svc({}, 80));
    expect([s.serial(Serial.Internal), s.serial(Serial.External)]).toEqual([100, 0]);
    now = 200;
    s.cluster.putService(svc({ changed: 'label' }, 80));
    expect(s.serial(Serial.Internal)).toBe(100);
    s.cluster.putService(svc({}, 81));
    expect([s.serial(Serial.Internal), s.serial(Serial.External)]).toEqual([200, 200]);
    now = 300;
    s.cluster.putService(svc({}, 81, ['192.0.2.9']));
    expect([s.serial(Serial.Internal), s.serial(Serial.External)]).toEqual([200, 300]);
    s.multicluster.putService(svc({}, 80));
    expect(s.serial(Serial.MultiCluster)).toBe(300);
  });
});
