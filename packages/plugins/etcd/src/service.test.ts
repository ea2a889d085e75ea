import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseService, ServiceError, stripLabels, type Service } from './service.js';

const enc = (v: unknown): Uint8Array =>
  new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const parse = (v: unknown, key = '/skydns/test/skydns/a/b'): Service => parseService(key, enc(v), '/skydns');

describe('parseService', () => {
  it("reads the book's example message", () => {
    const s = parse(
      { host: '192.0.2.10', port: 20020, priority: 10, weight: 20 },
      '/skydns/com/example/services/users',
    );
    expect(s).toMatchObject({
      hostType: 'A',
      address: '192.0.2.10',
      port: 20020,
      priority: 10,
      weight: 20,
      ttl: 0,
    });
    expect(s.keyDomain).toBe('users.services.example.com.');
  });

  it('classifies the host as CoreDNS does', () => {
    expect(parse({ host: '2001:DB8::1' })).toMatchObject({ hostType: 'AAAA', address: '2001:db8::1' });
    expect(parse({ host: '::ffff:10.0.0.1' })).toMatchObject({ hostType: 'A', address: '10.0.0.1' });
    expect(parse({ host: 'web.example.org' })).toMatchObject({
      hostType: 'CNAME',
      target: 'web.example.org.',
    });
    expect(parse({ host: 'web.example.org', text: 'x' })).toMatchObject({ hostType: 'TXT' });
    expect(parse({ text: 'only text' })).toMatchObject({ hostType: 'TXT', host: '', target: undefined });
    expect(parse({ host: 'a..b' }).targetError).toMatch(/neither an address nor a domain name/);
  });

  it('matches field names without regard to case, ignores unknown fields and nulls, defaults the priority', () => {
    const s = parse({ Host: '10.0.0.1', PORT: 53, extra: [1, 2], weight: null, TTL: 60, Mail: true });
    expect(s).toMatchObject({ host: '10.0.0.1', port: 53, weight: 0, ttl: 60, mail: true, priority: 10 });
    expect(parse(null)).toMatchObject({ host: '', hostType: 'CNAME' });
  });

  it('applies targetstrip to name targets and key names', () => {
    const s = parse({ host: 'a.b.c.example', targetstrip: 2 }, '/skydns/test/x/y');
    expect(s.strippedTarget).toBe('c.example.');
    expect(s.strippedKeyDomain).toBe('test.');
    expect(stripLabels('a.b.', 2)).toBe('a.b.');
    expect(stripLabels('a.b.', 1)).toBe('b.');
    expect(stripLabels('.', 1)).toBe('.');
  });

  it('splits long text into 255-byte strings', () => {
    expect(parse({ text: 'x'.repeat(255) }).txt.map((b) => b.length)).toEqual([255]);
    expect(parse({ text: 'é'.repeat(200) }).txt.map((b) => b.length)).toEqual([255, 145]);
  });

  it('rejects values that are no SkyDNS message, with a clear reason', () => {
    const bad: [unknown, RegExp][] = [
      ['not json', /^not JSON/],
      ['[1,2]', /cannot unmarshal array/],
      ['"text"', /cannot unmarshal string/],
      [{ host: 1 }, /host: want a string, got number/],
      [{ port: '80' }, /port: want an integer/],
      [{ port: 1.5 }, /port: want an integer, got 1.5/],
      [{ port: 70000 }, /port: 70000 is outside 0\.\.65535/],
      [{ port: -2 }, /port: -2 is outside/],
      [{ weight: -1 }, /weight: -1 is outside/],
      [{ priority: 65536 }, /priority/],
      [{ ttl: -1 }, /ttl: -1 is outside 0\.\.4294967295/],
      [{ mail: 'yes' }, /mail: want true or false, got string/],
      [{ group: {} }, /group: want a string, got object/],
    ];
    for (const [value, reason] of bad) {
      expect(() => parse(value), JSON.stringify(value)).toThrow(ServiceError);
      expect(() => parse(value)).toThrow(reason);
    }
    expect(parse({ port: -1 }).port).toBe(-1);
  });

  it('never throws anything but ServiceError for arbitrary bytes or JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.json().map(enc)), (bytes) => {
        try {
          const s = parseService('/skydns/x', bytes, '/skydns');
          expect(['A', 'AAAA', 'CNAME', 'TXT']).toContain(s.hostType);
        } catch (e) {
          expect(e).toBeInstanceOf(ServiceError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts any well-typed message and keeps its fields', () => {
    const message = fc.record(
      {
        host: fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()),
        port: fc.integer({ min: -1, max: 65535 }),
        priority: fc.integer({ min: 0, max: 65535 }),
        weight: fc.integer({ min: 0, max: 65535 }),
        text: fc.string(),
        mail: fc.boolean(),
        ttl: fc.integer({ min: 0, max: 0xffffffff }),
        targetstrip: fc.integer({ min: 0, max: 5 }),
        group: fc.string(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(message, (m) => {
        const s = parse(m);
        expect(s.port).toBe(m.port ?? 0);
        expect(s.priority).toBe(m.priority || 10);
        expect(s.text).toBe(m.text ?? '');
        expect(s.ttl).toBe(m.ttl ?? 0);
      }),
      { numRuns: 500 },
    );
  });
});
