import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseHostAddress } from './address.js';
import { parseHostsText, type HostsLineProblem, type HostsParseOptions } from './hostsfile.js';

const ROOT: HostsParseOptions = { origins: ['.'], autoReverse: true };

/** A source map with its sets as arrays, for comparing with expected values. */
const lists = (m: Map<string, Set<string>>) => new Map([...m].map(([k, v]) => [k, [...v]]));

function parse(text: string, options: HostsParseOptions = ROOT) {
  const problems: HostsLineProblem[] = [];
  const source = parseHostsText(text, options, (p) => problems.push(p));
  return { source, problems };
}

describe('parseHostsText', () => {
  it('maps the canonical name and every alias to the address, and the address back to them', () => {
    const { source, problems } = parse(
      '# a comment\n127.0.0.1\tlocalhost  localhost.localdomain # trailing comment\n::1 localhost ip6-localhost\n',
    );
    expect(problems).toEqual([]);
    expect(lists(source.v4)).toEqual(
      new Map([
        ['localhost.', ['127.0.0.1']],
        ['localhost.localdomain.', ['127.0.0.1']],
      ]),
    );
    expect(lists(source.v6)).toEqual(
      new Map([
        ['localhost.', ['::1']],
        ['ip6-localhost.', ['::1']],
      ]),
    );
    expect(lists(source.reverse)).toEqual(
      new Map([
        ['127.0.0.1', ['localhost.', 'localhost.localdomain.']],
        ['::1', ['localhost.', 'ip6-localhost.']],
      ]),
    );
    // CoreDNS's Len(): 2 + 2 forward addresses, 2 + 2 reverse names.
    expect(source.entries).toBe(8);
  });

  it('lowercases names, accepts absolute ones, and keeps several addresses per name in file order', () => {
    const { source } = parse('10.0.0.2 Host.Example.\n10.0.0.1 host.example\n10.0.0.2 HOST.example\n');
    expect(lists(source.v4).get('host.example.')).toEqual(['10.0.0.2', '10.0.0.1']);
  });

  it('keeps only the names inside the origins (example 4-12 of the book)', () => {
    const text = '10.0.0.1 host1.foo.example\n10.0.1.1 host2.bar.example\n';
    const foo = parse(text, { origins: ['foo.example.'], autoReverse: true }).source;
    expect([...foo.v4.keys()]).toEqual(['host1.foo.example.']);
    expect([...foo.reverse.keys()]).toEqual(['10.0.0.1']);
    const both = parse(text, { origins: ['foo.example.', 'bar.example.'], autoReverse: true }).source;
    expect([...both.v4.keys()]).toEqual(['host1.foo.example.', 'host2.bar.example.']);
  });

  it('builds no reverse entries with autoReverse off', () => {
    const { source } = parse('10.0.0.1 a.example\n', { origins: ['.'], autoReverse: false });
    expect(source.v4.size).toBe(1);
    expect(source.reverse.size).toBe(0);
    expect(source.entries).toBe(1);
  });

  it('files wildcard names apart, without reverse entries', () => {
    const { source } = parse(
      '192.168.1.10 *.example.com\nfd00::10 *.example.com\n192.168.1.11 a.*.example.com\n',
    );
    expect(lists(source.wild4)).toEqual(new Map([['example.com.', ['192.168.1.10']]]));
    expect(lists(source.wild6)).toEqual(new Map([['example.com.', ['fd00::10']]]));
    // '*' that is not the leftmost label is an ordinary character of a name.
    expect(lists(source.v4).get('a.*.example.com.')).toEqual(['192.168.1.11']);
    expect([...source.reverse.keys()]).toEqual(['192.168.1.11']);
  });

  it('treats IPv4-mapped addresses as IPv4 and drops IPv6 zones', () => {
    const { source } = parse('::FFFF:10.0.0.2 example.com\nfe80::1%eth0 router.lan\n');
    expect(lists(source.v4).get('example.com.')).toEqual(['10.0.0.2']);
    expect(lists(source.v6).get('router.lan.')).toEqual(['fe80::1']);
    expect(lists(source.reverse).get('10.0.0.2')).toEqual(['example.com.']);
  });

  it("reads '@' as a label, not as the origin", () => {
    const { source } = parse('10.0.0.1 @ a@b.example\n');
    expect([...source.v4.keys()]).toEqual(['\\@.', 'a\\@b.example.']);
  });

  it('keeps a repeated entry once', () => {
    const { source } = parse('10.0.0.1 a.example a.example\n10.0.0.1 A.example.\n');
    expect(lists(source.v4).get('a.example.')).toEqual(['10.0.0.1']);
    expect(lists(source.reverse).get('10.0.0.1')).toEqual(['a.example.']);
    expect(source.entries).toBe(2);
  });

  it('handles CRLF line ends, tabs, blank lines and a missing final newline', () => {
    const { source, problems } = parse('\r\n  \t\r\n10.0.0.1\ta.example\r\n10.0.0.2 b.example');
    expect(problems).toEqual([]);
    expect([...source.v4.keys()]).toEqual(['a.example.', 'b.example.']);
  });

  it('skips unusable lines and reports each with its line number', () => {
    const { source, problems } = parse(
      [
        'localhost 127.0.0.1', // fields swapped
        '10.0.0.1', // no name
        '10.0.0.300 bad.example', // not an address
        '10.0.0.2 ok.example bad..example ' + 'x'.repeat(64) + '.example',
        '10.0.0.3 fine.example',
      ].join('\n'),
    );
    expect(problems.map((p) => [p.line, p.notAnAddress])).toEqual([
      [1, 'localhost'],
      [2, undefined],
      [3, '10.0.0.300'],
      [4, undefined],
      [4, undefined],
    ]);
    expect(problems[1].message).toBe("no host name after address '10.0.0.1'");
    expect(problems[3].message).toMatch(/^invalid host name: empty label/);
    expect([...source.v4.keys()]).toEqual(['ok.example.', 'fine.example.']);
  });

  it('reads an ad-blocking list (100,000 names on one address) in linear time', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`0.0.0.0 ads${i}.example.com`);
    const started = performance.now();
    const { source } = parse(lines.join('\n'));
    // Linear work takes a fraction of a second; a list scan per entry would take minutes.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(source.reverse.get('0.0.0.0')?.size).toBe(100_000);
    expect(source.entries).toBe(200_000);
  });

  it('never throws, whatever the text (fuzz)', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('#', ' ', '\t', '\n', '\r\n', '%', '*.', '.', '..', '\\', '\\0', '\\999', '::', ':'),
      fc.ipV4(),
      fc.ipV6(),
      fc.domain(),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((a) => a.join('')),
        fc.constantFrom<readonly string[]>(['.'], ['example.'], ['in-addr.arpa.', 'com.']),
        fc.boolean(),
        (text, origins, autoReverse) => {
          const problems: HostsLineProblem[] = [];
          const source = parseHostsText(text, { origins, autoReverse }, (p) => problems.push(p));
          for (const p of problems) expect(p.line).toBeGreaterThan(0);
          for (const map of [source.v4, source.v6])
            for (const [name, addrs] of map) {
              expect(name).toBe(name.toLowerCase());
              expect(name.endsWith('.')).toBe(true);
              expect(addrs.size).toBeGreaterThan(0);
            }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads back every well-formed entry it is given (property)', () => {
    const entry = fc.record({
      address: fc.oneof(fc.ipV4(), fc.ipV6()),
      names: fc.array(fc.domain(), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const text = entries.map((e) => `${e.address}\t${e.names.join(' ')}  # c`).join('\n');
        const { source, problems } = parse(text);
        expect(problems).toEqual([]);
        for (const e of entries) {
          const family = parseHostAddress(e.address)?.family;
          expect(family, e.address).toBeDefined();
          for (const n of e.names) {
            const map = family === 4 ? source.v4 : source.v6;
            const lookup = n.toLowerCase() + '.';
            expect(map.get(lookup)?.size, `${e.address} ${n}`).toBeGreaterThan(0);
          }
        }
      }),
    );
  });
});
