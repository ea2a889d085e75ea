import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZoneFileError } from './errors.js';
import { loadZoneFile, parseZone, readZone, type ParseZoneOptions, type ZoneRecord } from './reader.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-zonefile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const SOA = '@ IN SOA ns hostmaster 1 7200 3600 1209600 300\n';

/** name/TTL/class/type/rdata as one string, for compact expectations. */
function brief(rr: ZoneRecord): string {
  const data =
    rr.data instanceof Uint8Array
      ? `bytes:${Buffer.from(rr.data).toString('hex')}`
      : JSON.stringify(rr.data, (_k, v: unknown) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
        );
  return `${rr.name} ${rr.ttl} ${rr.class} ${rr.type} ${data}`;
}

const read = (text: string, options: ParseZoneOptions = { origin: 'example.org.' }): string[] =>
  parseZone(text, options).map(brief);

function zoneError(
  text: string,
  options: ParseZoneOptions = { origin: 'example.org.', file: 'z.db' },
): ZoneFileError {
  try {
    parseZone(text, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ZoneFileError);
    return e as ZoneFileError;
  }
  throw new Error('no error');
}

describe('names', () => {
  it('makes @, relative and absolute owners and rdata names absolute', () => {
    expect(read('$TTL 60\n@ NS ns\nwww CNAME @\nabs.example.net. MX 10 mail.example.net.\n')).toEqual([
      'example.org. 60 IN NS "ns.example.org."',
      'www.example.org. 60 IN CNAME "example.org."',
      'abs.example.net. 60 IN MX {"preference":10,"exchange":"mail.example.net."}',
    ]);
  });

  it('carries the owner forward to lines that begin with whitespace', () => {
    expect(read('$TTL 60\nwww A 192.0.2.1\n  A 192.0.2.2\n\tTXT x\n')).toEqual([
      'www.example.org. 60 IN A "192.0.2.1"',
      'www.example.org. 60 IN A "192.0.2.2"',
      'www.example.org. 60 IN TXT ["78"]',
    ]);
  });

  it('follows $ORIGIN, relative to the current origin', () => {
    expect(
      read('$TTL 60\n$ORIGIN sub\na A 192.0.2.1\n$ORIGIN other.test.\nb A 192.0.2.2\n@ NS ns\n'),
    ).toEqual([
      'a.sub.example.org. 60 IN A "192.0.2.1"',
      'b.other.test. 60 IN A "192.0.2.2"',
      'other.test. 60 IN NS "ns.other.test."',
    ]);
  });

  it('accepts a quoted owner, as BIND does', () => {
    expect(read('$TTL 60\n"foo bar" A 192.0.2.1\n')).toEqual([
      'foo\\032bar.example.org. 60 IN A "192.0.2.1"',
    ]);
  });

  it('works without an origin when every name is absolute', () => {
    expect(read('$TTL 60\nexample. NS ns.example.\n', {})).toEqual(['example. 60 IN NS "ns.example."']);
  });
});

describe('TTL, class and type', () => {
  it('accepts TTL and class in either order, units, and TYPEnnn/CLASSnnn mnemonics', () => {
    expect(
      read('a 1h30m IN A 192.0.2.1\nb IN 60 A 192.0.2.2\nc CLASS1 type1 192.0.2.3\nd 2W a 192.0.2.4\n'),
    ).toEqual([
      'a.example.org. 5400 IN A "192.0.2.1"',
      'b.example.org. 60 IN A "192.0.2.2"',
      'c.example.org. 60 IN A "192.0.2.3"',
      'd.example.org. 1209600 IN A "192.0.2.4"',
    ]);
  });

  it('reads \\# generic rdata for typed and untyped types', () => {
    expect(read('$TTL 1\na A \\# 4 C0000201\nb TYPE65280 \\# 3 ( 01 0203 )\nc LOC \\# 0\n')).toEqual([
      'a.example.org. 1 IN A "192.0.2.1"',
      'b.example.org. 1 IN TYPE65280 bytes:010203',
      'c.example.org. 1 IN TYPE29 bytes:',
    ]);
  });

  it('uses $TTL for records without a TTL, even after an explicit one', () => {
    expect(
      read('$TTL 300\na 60 A 192.0.2.1\nb A 192.0.2.2\n$TTL 1d\nc A 192.0.2.3\n').map((s) => s.split(' ')[1]),
    ).toEqual(['60', '300', '86400']);
  });

  it('without $TTL uses the last explicit TTL (RFC 1035)', () => {
    expect(
      read(`${SOA.replace('IN', '3600 IN')}a A 192.0.2.1\nb 60 A 192.0.2.2\nc A 192.0.2.3\n`).map(
        (s) => s.split(' ')[1],
      ),
    ).toEqual(['3600', '3600', '60', '60']);
  });

  it("without any TTL takes the SOA's MINIMUM, which then stays the default (BIND)", () => {
    expect(
      read(`${SOA}a A 192.0.2.1\nb 60 A 192.0.2.2\nc A 192.0.2.3\n`).map((s) => s.split(' ')[1]),
    ).toEqual(['300', '300', '60', '300']);
  });

  it('uses the defaultTtl option only where BIND would find no TTL', () => {
    expect(
      read('a A 192.0.2.1\nb 60 A 192.0.2.2\nc A 192.0.2.3\n', {
        origin: 'example.org.',
        defaultTtl: 99,
      }).map((s) => s.split(' ')[1]),
    ).toEqual(['99', '60', '60']);
  });

  it('gives an RRset the TTL of its first record within a run of lines for one owner, as BIND does', () => {
    const text =
      '$TTL 300\na 100 A 192.0.2.1\n  200 A 192.0.2.2\n  AAAA ::1\n' +
      'a 50 A 192.0.2.3\nb A 192.0.2.4\na 60 A 192.0.2.5\n' +
      's 10 RRSIG A 13 2 10 20300101000000 20200101000000 1 a. AAAA\n  20 RRSIG MX 13 2 10 20300101000000 20200101000000 1 a. AAAA\n  30 RRSIG A 13 2 10 20300101000000 20200101000000 1 a. AAAA\n';
    expect(read(text).map((s) => s.split(' ').slice(0, 4).join(' '))).toEqual([
      'a.example.org. 100 IN A',
      'a.example.org. 100 IN A',
      'a.example.org. 300 IN AAAA',
      'a.example.org. 100 IN A',
      'b.example.org. 300 IN A',
      // a new run of lines for the owner: the stated TTL stays. (BIND's database, which then
      // merges the two runs into one RRset, gives it the newer TTL; that is the zone store's job.)
      'a.example.org. 60 IN A',
      's.example.org. 10 IN RRSIG',
      's.example.org. 20 IN RRSIG',
      's.example.org. 10 IN RRSIG',
    ]);
  });

  it('keeps RRset TTLs apart for an owner with many types in one run', () => {
    const types = Array.from({ length: 12 }, (_, i) => `  ${i + 1} TYPE${65280 + i} \\# 0\n`).join('');
    const text = `a 99 A 192.0.2.1\n${types}  50 TYPE65290 \\# 0\n  77 A 192.0.2.2\n`;
    expect(read(text).map((s) => s.split(' ')[1])).toEqual([
      '99',
      ...Array.from({ length: 12 }, (_, i) => String(i + 1)),
      '11',
      '99',
    ]);
  });

  it('treats TTLs above 2^31-1 as zero (RFC 2181)', () => {
    expect(
      read('a 2147483648 A 192.0.2.1\n$TTL 4294967295\nb A 192.0.2.2\n').map((s) => s.split(' ')[1]),
    ).toEqual(['0', '0']);
  });

  it('takes the zone class from the option, else from the first record', () => {
    expect(read('$TTL 1\nversion.bind. CH TXT x\nother.bind. TXT y\n', {})).toEqual([
      'version.bind. 1 CH TXT ["78"]',
      'other.bind. 1 CH TXT ["79"]',
    ]);
    expect(read('$TTL 1\na TXT x\n', { origin: 'bind.', class: 'chaos' })).toEqual([
      'a.bind. 1 CH TXT ["78"]',
    ]);
    expect(zoneError('$TTL 1\na IN TXT x\n', { origin: 'bind.', class: 'CH' }).reason).toBe(
      "class IN differs from the zone's class CH",
    );
  });
});

describe('$INCLUDE', () => {
  it('reads files relative to the including file, restoring origin and owner afterwards', () => {
    file(
      'inc/main.db',
      '$TTL 60\nwww A 192.0.2.1\n$INCLUDE sub/part.db\n  A 192.0.2.9\n$INCLUDE sub/part.db other.test.\nz A 192.0.2.3\n',
    );
    file('inc/sub/part.db', '  TXT inherited\n$ORIGIN deeper\n$TTL 30\np A 192.0.2.2\n');
    const inherited = Buffer.from('inherited').toString('hex');
    const records = parseZone('$INCLUDE main.db\n', {
      origin: 'example.org.',
      file: join(dir, 'inc', 'root.db'),
    }).map(brief);
    expect(records).toEqual([
      'www.example.org. 60 IN A "192.0.2.1"',
      `www.example.org. 60 IN TXT ["${inherited}"]`,
      'p.deeper.example.org. 30 IN A "192.0.2.2"',
      // back in main.db: owner www and origin example.org. again; the included $TTL stays
      'www.example.org. 30 IN A "192.0.2.9"',
      `www.example.org. 30 IN TXT ["${inherited}"]`,
      'p.deeper.other.test. 30 IN A "192.0.2.2"',
      'z.example.org. 30 IN A "192.0.2.3"',
    ]);
  });

  it('streams the same records as parseZone', async () => {
    const path = join(dir, 'inc', 'main.db');
    const expected = parseZone('$INCLUDE main.db\n', {
      origin: 'example.org.',
      file: join(dir, 'inc', 'root.db'),
    });
    expect(await loadZoneFile(path, { origin: 'example.org.' })).toEqual(expected);
    const streamed: ZoneRecord[] = [];
    for await (const rr of readZone(path, { origin: 'example.org.' })) streamed.push(rr);
    expect(streamed).toEqual(expected);
  });

  it('reports a missing include at the directive, and a missing zone file', async () => {
    const path = file('missing.db', '$TTL 1\n$INCLUDE "no such.db"\n');
    const err = await loadZoneFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZoneFileError);
    expect(err).toMatchObject({
      file: path,
      line: 2,
      column: 10,
      reason: "$INCLUDE file 'no such.db' not found",
    });
    expect(zoneError('$INCLUDE nope.db\n', { file: join(dir, 'x.db') })).toMatchObject({
      line: 1,
      column: 10,
    });
    await expect(loadZoneFile(join(dir, 'absent.db'))).rejects.toMatchObject({
      name: 'ZoneFileError',
      reason: 'zone file not found',
    });
  });

  it('detects $INCLUDE loops', () => {
    file('loop/a.db', '$TTL 1\na A 192.0.2.1\n$INCLUDE b.db\n');
    file('loop/b.db', '$INCLUDE a.db\n');
    const err = zoneError('$INCLUDE a.db\n', { origin: 'example.', file: join(dir, 'loop', 'top.db') });
    expect(err.reason).toMatch(/\$INCLUDE loop: 'a\.db' is already being read/);
    expect([err.file, err.line, err.column]).toEqual([join(dir, 'loop', 'b.db'), 1, 10]);
  });

  it('closes files when the consumer stops early', async () => {
    const path = file(
      'many.db',
      '$TTL 1\n' + Array.from({ length: 5000 }, (_, i) => `h${i} A 192.0.2.1\n`).join(''),
    );
    let n = 0;
    for await (const _rr of readZone(path, { origin: 'example.' })) if (++n === 10) break;
    expect(n).toBe(10);
  });
});

describe('record positions while streaming', () => {
  it('say where each record begins: its file, and the line and column of its first token', async () => {
    file('pos/part.db', '; included\nin A 192.0.2.7\n');
    const path = file(
      'pos/main.db',
      [
        '$TTL 60', // 1
        '@ SOA ns h ( 1', // 2
        '  2 3 4 5 )', // 3
        '   NS ns', // 4
        '\tA 192.0.2.1', // 5
        '$INCLUDE part.db', // 6
        '$GENERATE 1-2 g$ A 10.0.0.$', // 7
        '', // 8
        '"q" TXT x', // 9
        '',
      ].join('\n'),
    );
    const stream = readZone(path, { origin: 'example.org.' });
    expect([stream.file, stream.line, stream.column]).toEqual([undefined, 0, 0]);
    const seen: string[] = [];
    for await (const rr of stream) seen.push(`${rr.type} ${stream.file}:${stream.line}:${stream.column}`);
    const part = join(dir, 'pos', 'part.db');
    expect(seen).toEqual([
      `SOA ${path}:2:1`,
      `NS ${path}:4:4`,
      `A ${path}:5:2`,
      `A ${part}:2:1`,
      `A ${path}:7:1`,
      `A ${path}:7:1`,
      `TXT ${path}:9:1`,
    ]);
  });

  it('stay right across batches and read chunks', async () => {
    const lines = ['$TTL 60'];
    for (let i = 0; i < 50_000; i++) lines.push(i % 7 === 0 ? `; comment ${i}` : `h${i} A 192.0.2.1`);
    const path = file('pos/large.db', lines.join('\n') + '\n');
    const stream = readZone(path, { origin: 'example.org.' });
    let checked = 0;
    for await (const rr of stream) {
      // h<i> is on line i + 2.
      expect(stream.line).toBe(Number(rr.name.slice(1, rr.name.indexOf('.'))) + 2);
      checked++;
    }
    expect(checked).toBe(50_000 - Math.ceil(50_000 / 7));
  });

  it('deliver the records before a fault ahead of the fault', async () => {
    const path = file('pos/fault.db', '$TTL 60\na A 192.0.2.1\nb A 192.0.2.2\nc A 192.0.2\n');
    const stream = readZone(path, { origin: 'example.org.' });
    const names: string[] = [];
    const err = await (async () => {
      for await (const rr of stream) names.push(`${rr.name}@${stream.line}`);
    })().catch((e: unknown) => e);
    expect(names).toEqual(['a.example.org.@2', 'b.example.org.@3']);
    expect(err).toMatchObject({ name: 'ZoneFileError', line: 4 });
  });
});

describe('$GENERATE', () => {
  it('expands lhs and rhs with modifiers, TTL and class, like BIND', () => {
    expect(
      read(
        '$TTL 300\n$GENERATE 1-3/2 h$ A 10.0.0.$\n$GENERATE 0-1 d${10,3,x} 60 IN CNAME x$$y\\$z\n$GENERATE 26-26 ${0,3,n}.n TXT "a b$ \\"q\\""\n$GENERATE 1-1 t$ IN 60 MX "10 mx$"\nw TXT x\n',
      ),
    ).toEqual([
      'h1.example.org. 300 IN A "10.0.0.1"',
      'h3.example.org. 300 IN A "10.0.0.3"',
      'd00a.example.org. 60 IN CNAME "x\\\\$y\\\\$z.example.org."',
      'd00b.example.org. 60 IN CNAME "x\\\\$y\\\\$z.example.org."',
      'a.1.n.example.org. 300 IN TXT ["61","623236","71"]',
      't1.example.org. 60 IN MX {"preference":10,"exchange":"mx1.example.org."}',
      'w.example.org. 300 IN TXT ["78"]',
    ]);
  });

  it('leaves the current owner as it was before the directive', () => {
    expect(read('$TTL 1\nk A 192.0.2.1\n$GENERATE 1-1 g$ A 10.0.0.$\n  A 192.0.2.2\n').at(-1)).toBe(
      'k.example.org. 1 IN A "192.0.2.2"',
    );
  });

  it('accepts several rhs tokens, each expanded (as CoreDNS does)', () => {
    expect(read('$TTL 1\n$GENERATE 5-5 s$ SRV 0 $ 80 host$\n')).toEqual([
      's5.example.org. 1 IN SRV {"priority":0,"weight":5,"port":80,"target":"host5.example.org."}',
    ]);
  });

  it('streams a large range lazily', async () => {
    const path = file('gen.db', '$TTL 1\n$GENERATE 0-2000000000 h$ A 10.0.0.1\n');
    let n = 0;
    for await (const rr of readZone(path, { origin: 'example.' })) {
      expect(rr.name).toBe(`h${n}.example.`);
      if (++n === 3000) break;
    }
    expect(n).toBe(3000);
  });
});

describe('errors carry file, line, column and say what was expected', () => {
  const cases: Array<[string, string, number, number, RegExp]> = [
    ['bad owner', '$TTL 1\na..b A 192.0.2.1\n', 2, 1, /bad owner name 'a\.\.b'.*empty label/],
    ['unknown type', '$TTL 1\nwww foo 192.0.2.1\n', 2, 5, /expected a TTL, class or type, found 'foo'/],
    ['type after class and TTL', 'www IN 60 BAR 1\n', 1, 11, /expected a type, found 'BAR'/],
    ['missing type', '$TTL 1\nwww IN\n', 2, 7, /expected a TTL or type, found the end of the record/],
    ['bad rdata', '$TTL 1\nwww A 192.0.2\n', 2, 7, /bad A rdata/],
    ['bad rdata on a continuation line', '$TTL 1\n@ SOA ns host (\n 1 2\n x 4 5 )\n', 4, 2, /bad SOA rdata/],
    ['short rdata', '$TTL 1\nwww MX 10\n', 2, 10, /bad MX rdata.*end of record/],
    ['unbalanced (', '$TTL 1\n@ SOA ns host ( 1 2 3 4 5\n', 2, 15, /unbalanced '\('/],
    ['unbalanced )', '$TTL 1\nwww A 192.0.2.1 )\n', 2, 17, /unbalanced '\)'/],
    ['unterminated quote', '$TTL 1\nwww TXT "abc\n', 2, 9, /unterminated quoted string/],
    ['unknown directive', '$TTL 1\n$FOO bar\n', 2, 1, /unknown directive '\$FOO'/],
    ['directive without argument', '$TTL\n', 1, 5, /expected a TTL after \$TTL, found the end of the line/],
    [
      'directive with extra tokens',
      '$ORIGIN a. b.\n',
      1,
      12,
      /expected the end of the line after \$ORIGIN, found 'b\.'/,
    ],
    ['bad $TTL', '$TTL 1x\n', 1, 6, /bad TTL '1x'/],
    ['bad record TTL', 'www 1h30 A 192.0.2.1\n', 1, 5, /bad TTL '1h30'/],
    ['no TTL at all', 'www A 192.0.2.1\n', 1, 5, /no TTL/],
    ['no owner yet', '  A 192.0.2.1\n', 1, 3, /no owner name/],
    [
      'class mismatch',
      '$TTL 1\na IN A 192.0.2.1\nb CH TXT x\n',
      3,
      3,
      /class CH differs from the zone's class IN/,
    ],
    ['meta type', '$TTL 1\nwww IN ANY \\# 0\n', 2, 8, /type ANY is a query or meta type/],
    ['transfer type', '$TTL 1\nwww AXFR \\# 0\n', 2, 5, /type AXFR is a query or meta type/],
    [
      'bad $GENERATE range',
      '$TTL 1\n$GENERATE 5-1 h$ A 10.0.0.$\n',
      2,
      11,
      /bad \$GENERATE: range '5-1' ends before it starts/,
    ],
    [
      'bad $GENERATE modifier',
      '$TTL 1\n$GENERATE 1-2 h${1,2,q} A 10.0.0.$\n',
      2,
      15,
      /bad \$GENERATE: expected \$\{offset/,
    ],
    [
      'bad $GENERATE rdata',
      '$TTL 1\n$GENERATE 250-256 h$ A 10.0.0.$\n',
      2,
      24,
      /\$GENERATE iteration 256: bad A rdata/,
    ],
  ];
  it.each(cases)('%s', (_what, text, line, column, reason) => {
    const err = zoneError(text);
    expect(err.reason).toMatch(reason);
    expect([err.file, err.line, err.column]).toEqual(['z.db', line, column]);
    expect(err.message).toBe(`z.db:${line}:${column}: ${err.reason}`);
  });

  it('relative names without an origin', () => {
    expect(zoneError('$TTL 1\nwww A 192.0.2.1\n', {})).toMatchObject({
      line: 2,
      column: 1,
      reason: expect.stringMatching(/relative owner name 'www' but no origin/),
    });
    expect(zoneError('$TTL 1\nwww. MX 10 mail\n', {})).toMatchObject({
      line: 2,
      column: 12,
      reason: expect.stringMatching(/relative name 'mail' but no origin/),
    });
    expect(zoneError('$ORIGIN sub\n', {})).toMatchObject({ line: 1, column: 9 });
    expect(read('$TTL 1\n$ORIGIN example.\nwww MX 10 mail\n', {})).toEqual([
      'www.example. 1 IN MX {"preference":10,"exchange":"mail.example."}',
    ]);
  });

  it('records outside the zone, when asked', () => {
    const options = { origin: 'example.org.', rejectOutOfZone: true };
    expect(zoneError('$TTL 1\nwww.example.net. A 192.0.2.1\n', options)).toMatchObject({
      line: 2,
      column: 1,
      reason: 'owner www.example.net. is outside the zone example.org.',
    });
    expect(zoneError('$TTL 1\n$GENERATE 1-2 h$.net. A 10.0.0.1\n', options).reason).toMatch(
      /outside the zone/,
    );
    expect(read('$TTL 1\nwww.example.net. A 192.0.2.1\n')).toHaveLength(1);
  });

  it('relative owners outside the zone, after ones inside from the same origin', () => {
    // www.example.org. is in zone www.example.org.; its origin example.org. is not, so
    // the next relative owner must be checked again.
    const options = { origin: 'www.example.org.', rejectOutOfZone: true };
    expect(
      zoneError('$TTL 1\n@ A 192.0.2.1\n$ORIGIN example.org.\nwww A 192.0.2.2\nmail A 192.0.2.3\n', options),
    ).toMatchObject({
      line: 5,
      column: 1,
      reason: 'owner mail.example.org. is outside the zone www.example.org.',
    });
    expect(
      zoneError('$TTL 1\na A 192.0.2.1\n$ORIGIN org.\nb A 192.0.2.2\n', {
        origin: 'example.org.',
        rejectOutOfZone: true,
      }),
    ).toMatchObject({ line: 4, column: 1 });
  });

  it('bad options', () => {
    expect(zoneError('', { origin: 'a..b' }).reason).toMatch(/bad origin option/);
    expect(zoneError('', { class: 'XX' }).reason).toMatch(/bad class option/);
  });
});
