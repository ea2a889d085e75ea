import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KubeSelectorError,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './kube-api-selector.js';

describe('parseLabelSelector', () => {
  it('reads equality, set-based and existence requirements', () => {
    expect(parseLabelSelector('app=web, tier==front,env!=prod')).toEqual([
      { key: 'app', op: 'in', values: ['web'] },
      { key: 'tier', op: 'in', values: ['front'] },
      { key: 'env', op: 'notin', values: ['prod'] },
    ]);
    expect(parseLabelSelector('environment in (staging, qa),application=nginx')).toEqual([
      { key: 'environment', op: 'in', values: ['staging', 'qa'] },
      { key: 'application', op: 'in', values: ['nginx'] },
    ]);
    expect(parseLabelSelector('example.com/team notin (a),gpu,!spot')).toEqual([
      { key: 'example.com/team', op: 'notin', values: ['a'] },
      { key: 'gpu', op: 'exists' },
      { key: 'spot', op: '!exists' },
    ]);
    expect(parseLabelSelector('  ')).toEqual([]);
  });

  it('rejects what the API server rejects', () => {
    for (const bad of ['a=b,', '=b', 'a in (b', 'a in ()', 'a b', 'a=(b)', '-a=b', 'a=b c']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(KubeSelectorError);
    }
  });

  it('throws only KubeSelectorError on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '=', '!', ',', '(', ')', ' ', 'in', '/', '.') }),
        (s) => {
          try {
            parseLabelSelector(s);
          } catch (e) {
            expect(e).toBeInstanceOf(KubeSelectorError);
          }
        },
      ),
    );
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', env: 'qa' };
  it('applies every requirement', () => {
    expect(matchesLabels(parseLabelSelector('app=web'), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector('app=web,env in (prod)'), labels)).toBe(false);
    expect(matchesLabels(parseLabelSelector('env notin (prod),!spot'), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector('spot'), labels)).toBe(false);
    // != and notin match objects without the label, as on the API server.
    expect(matchesLabels(parseLabelSelector('tier!=db'), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector('app'), undefined)).toBe(false);
    expect(matchesLabels([], undefined)).toBe(true);
  });
});

describe('field selectors', () => {
  it('select on the supported fields', () => {
    const pod = { metadata: { name: 'p', namespace: 'ns' }, status: { phase: 'Running' } };
    const sel = parseFieldSelector('status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown');
    expect(matchesFields(sel, pod)).toBe(true);
    expect(matchesFields(sel, { ...pod, status: { phase: 'Failed' } })).toBe(false);
    expect(matchesFields(parseFieldSelector('metadata.name=p'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.namespace==other'), pod)).toBe(false);
  });

  it('refuses unknown fields', () => {
    expect(() => parseFieldSelector('spec.foo=bar')).toThrow(KubeSelectorError);
    expect(() => parseFieldSelector('nonsense')).toThrow(KubeSelectorError);
  });
});
