import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID, isWildcard, labelsBelow, matchLabel, matchPort, parseRequest } from './parse.js';

const Z = 'cluster.local.';

describe('parseRequest', () => {
  it('reads the five shapes of a name right to left', () => {
    expect(parseRequest('cluster.local.', Z, false)).toMatchObject({ kind: '', service: '', namespace: '' });
    expect(parseRequest('svc.cluster.local.', Z, false)).toMatchObject({ kind: '' });
    expect(parseRequest('ns.svc.cluster.local.', Z, false)).toMatchObject({
      kind: 'svc',
      namespace: 'ns',
      service: '',
    });
    expect(parseRequest('web.ns.svc.cluster.local.', Z, false)).toMatchObject({
      kind: 'svc',
      namespace: 'ns',
      service: 'web',
    });
    expect(parseRequest('ep-0.web.ns.svc.cluster.local.', Z, false)).toMatchObject({
      endpoint: 'ep-0',
      service: 'web',
    });
    expect(parseRequest('_http._tcp.web.ns.svc.cluster.local.', Z, false)).toMatchObject({
      port: 'http',
      protocol: 'tcp',
      endpoint: '',
    });
    expect(parseRequest('1-2-3-4.ns.pod.cluster.local.', Z, false)).toMatchObject({
      kind: 'pod',
      service: '1-2-3-4',
    });
  });

  it('reads two labels as endpoint and cluster in multicluster zones, unless one starts with _', () => {
    expect(parseRequest('ep.east.web.ns.svc.clusterset.local.', 'clusterset.local.', true)).toMatchObject({
      endpoint: 'ep',
      cluster: 'east',
    });
    expect(parseRequest('_http.tcp.web.ns.svc.clusterset.local.', 'clusterset.local.', true)).toMatchObject({
      port: 'http',
      protocol: 'tcp',
    });
    expect(parseRequest('ep.east.web.ns.svc.cluster.local.', Z, false)).toMatchObject({
      port: 'ep',
      protocol: 'east',
    });
  });

  it('rejects unknown kinds and names too long', () => {
    expect(parseRequest('foo.cluster.local.', Z, false)).toBe(INVALID);
    expect(parseRequest('web.ns.services.cluster.local.', Z, false)).toBe(INVALID);
    expect(parseRequest('a.b.c.web.ns.svc.cluster.local.', Z, false)).toBe(INVALID);
  });

  it('works under the root zone', () => {
    expect(labelsBelow('web.ns.svc.', '.')).toEqual(['web', 'ns', 'svc']);
    expect(parseRequest('web.ns.svc.', '.', false)).toMatchObject({
      service: 'web',
      namespace: 'ns',
      kind: 'svc',
    });
    expect(labelsBelow('.', '.')).toEqual([]);
  });
});

describe('matching', () => {
  it('knows the wildcards * and any', () => {
    expect(isWildcard('*')).toBe(true);
    expect(isWildcard('any')).toBe(true);
    expect(isWildcard('all')).toBe(false);
    expect(matchLabel('*', 'web')).toBe(true);
    expect(matchLabel('web', 'web')).toBe(true);
    expect(matchLabel('web', 'api')).toBe(false);
  });

  it('matches absent port and protocol labels with anything', () => {
    const r = parseRequest('web.ns.svc.cluster.local.', Z, false);
    if (r === INVALID) throw new Error('invalid');
    expect(matchPort(r, 'http', 'tcp')).toBe(true);
    const srv = parseRequest('_http._udp.web.ns.svc.cluster.local.', Z, false);
    if (srv === INVALID) throw new Error('invalid');
    expect(matchPort(srv, 'http', 'tcp')).toBe(false);
    expect(matchPort(srv, 'http', 'udp')).toBe(true);
  });
});

describe('parseRequest on arbitrary names', () => {
  it('never throws, and what it reads comes from the name', () => {
    const label = fc.stringMatching(/^[a-z0-9_*-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(label, { maxLength: 8 }), fc.boolean(), (labels, multicluster) => {
        const name = labels.length === 0 ? Z : `${labels.join('.')}.${Z}`;
        const r = parseRequest(name, Z, multicluster);
        if (r === INVALID) return;
        for (const part of [r.service, r.namespace, r.endpoint, r.cluster])
          if (part !== '') expect(labels).toContain(part);
      }),
    );
  });
});
