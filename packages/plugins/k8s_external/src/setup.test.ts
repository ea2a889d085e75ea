import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseK8sExternal, type K8sExternalConfig } from './setup.js';

function parse(text: string, zones: string[] = ['example.org.']): K8sExternalConfig {
  return parseK8sExternal(Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), { zones }));
}

function errorOf(text: string): CorefileError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof CorefileError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('parseK8sExternal', () => {
  it("has CoreDNS's defaults and the block's zones", () => {
    const c = parse('k8s_external', ['example.org.', 'example.net.']);
    expect(c).toMatchObject({
      zones: ['example.org.', 'example.net.'],
      apex: 'dns',
      ttl: 5,
      headless: false,
    });
    expect(c.fallthrough.through('x.example.org.')).toBe(false);
  });

  it('reads example 6-30 and every option', () => {
    expect(parse('k8s_external services.example.com {\n  apex services\n}')).toMatchObject({
      zones: ['services.example.com.'],
      apex: 'services',
    });
    const c = parse(
      'k8s_external Example.ORG 192.0.2.0/24 {\n ttl 0\n apex Ops.Dns\n headless\n fallthrough example.org\n}',
    );
    expect(c).toMatchObject({
      zones: ['example.org.', '2.0.192.in-addr.arpa.'],
      apex: 'ops.dns',
      ttl: 0,
      headless: true,
    });
    expect(c.fallthrough.through('a.example.org.')).toBe(true);
    expect(c.fallthrough.through('2.2.0.192.in-addr.arpa.')).toBe(false);
    expect(parse('k8s_external {\n ttl 3600\n fallthrough\n}').fallthrough.through('anything.')).toBe(true);
  });

  it('rejects bad values where they are', () => {
    expect(errorOf('k8s_external {\n ttl 3601\n}').message).toMatch(
      /Corefile:2 .*ttl must be in range \[0, 3600\]: 3601/,
    );
    expect(errorOf('k8s_external {\n ttl -1\n}').message).toMatch(/ttl must be in range/);
    expect(errorOf('k8s_external {\n ttl five\n}').message).toMatch(/invalid ttl "five"/);
    expect(errorOf('k8s_external {\n ttl\n}').message).toMatch(/Wrong argument count/);
    expect(errorOf('k8s_external {\n apex\n}').message).toMatch(/Wrong argument count/);
    expect(errorOf('k8s_external {\n apex dns.example.org.\n}').message).toMatch(/invalid apex/);
    expect(errorOf('k8s_external {\n apex a..b\n}').message).toMatch(/invalid apex/);
    expect(errorOf('k8s_external {\n headless yes\n}').message).toMatch(/Wrong argument count/);
    expect(errorOf('k8s_external {\n fallthrough exa..mple\n}').message).toMatch(/fallthrough: invalid zone/);
    expect(errorOf('k8s_external {\n nope\n}').message).toMatch(/Corefile:2 .*unknown property 'nope'/);
    expect(errorOf('k8s_external exa..mple').message).toMatch(/invalid zone 'exa..mple'/);
  });
});
