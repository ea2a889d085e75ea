import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZoneFileError } from './errors.js';
import { MAX_RECORD_BYTES, ZoneLexer, tokenize, type LexedRecord } from './lexer.js';

const texts = (text: string): string[][] => tokenize(text).map((r) => r.map((t) => t.text));

function lexAll(chunks: Uint8Array[]): LexedRecord[] {
  const lexer = new ZoneLexer('z.db');
  const out: LexedRecord[] = [];
  for (const chunk of chunks) {
    lexer.write(chunk);
    for (let r = lexer.next(); r !== undefined; r = lexer.next()) out.push(r);
  }
  lexer.end();
  for (let r = lexer.next(); r !== undefined; r = lexer.next()) out.push(r);
  expect(lexer.done).toBe(true);
  return out;
}

function lexError(text: string): ZoneFileError {
  try {
    tokenize(text, 'z.db');
  } catch (e) {
    expect(e).toBeInstanceOf(ZoneFileError);
    return e as ZoneFileError;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('tokenize', () => {
  it('splits on spaces and tabs and ends records at newlines', () => {
    expect(texts('a  b\tc\n\nd e\n')).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('records line and column of every token', () => {
    const [r1, r2] = tokenize('www  A 192.0.2.1\n\tTXT "x y"\n');
    expect(r1.map((t) => [t.line, t.column])).toEqual([
      [1, 1],
      [1, 6],
      [1, 8],
    ]);
    expect(r2).toEqual([
      { text: 'TXT', quoted: false, line: 2, column: 2 },
      { text: 'x y', quoted: true, line: 2, column: 6 },
    ]);
  });

  it('removes quotes, keeps escapes raw and does not split quoted or escaped blanks', () => {
    const [r] = tokenize('a\\ b "c \\" d" e\\"f \\065\n');
    expect(r.map((t) => [t.text, t.quoted])).toEqual([
      ['a\\ b', false],
      ['c \\" d', true],
      ['e\\"f', false],
      ['\\065', false],
    ]);
  });

  it('treats ; as a comment start outside quotes, even inside a token', () => {
    expect(texts('a b ; c d\ne;f g\nh "i;j" ; k\nl\\;m\n')).toEqual([
      ['a', 'b'],
      ['e'],
      ['h', 'i;j'],
      ['l\\;m'],
    ]);
  });

  it('ends a token at ( ) and a quote, as BIND does', () => {
    expect(tokenize('w TXT a"b c"d\n')[0].map((t) => [t.text, t.quoted])).toEqual([
      ['w', false],
      ['TXT', false],
      ['a', false],
      ['b c', true],
      ['d', false],
    ]);
    expect(texts('x((A 1))\n')).toEqual([['x', 'A', '1']]);
  });

  it('joins lines inside parentheses, with comments, and nests them', () => {
    const text = '@ IN SOA ns host (\n  1 ; serial\n  2 3 ( 4 )\n  5 )\nnext A 1\n';
    expect(texts(text)).toEqual([
      ['@', 'IN', 'SOA', 'ns', 'host', '1', '2', '3', '4', '5'],
      ['next', 'A', '1'],
    ]);
  });

  it('keeps parentheses and ; inside quoted strings', () => {
    expect(texts('v TXT "x(y)z;q"\n')).toEqual([['v', 'TXT', 'x(y)z;q']]);
  });

  it('says whether the record began with whitespace', () => {
    const records = lexAll([Buffer.from('a A 1\n  B 2\n\t\n; c\n  ; d\nc (\n  D 3 )\n ( E\n4 )\n')]);
    expect(records.map((r) => [r.tokens[0].text, r.ownerOmitted])).toEqual([
      ['a', false],
      ['B', true],
      ['c', false],
      ['E', true],
    ]);
  });

  it('accepts CRLF line ends, a final line without newline, and a leading BOM', () => {
    expect(texts('\ufeffa b\r\nc d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(tokenize('\ufeffa')[0][0].column).toBe(1);
  });

  it('keeps an escaped newline inside quotes (BIND accepts it) and counts the line', () => {
    const [r1, r2] = tokenize('y TXT "a\\\nb"\nz A 1\n');
    expect(r1[2].text).toBe('a\\010b');
    expect(r2[0].line).toBe(3);
  });

  it('ends an unquoted token at a newline even after a backslash', () => {
    expect(texts('a b\\\nc\n')).toEqual([['a', 'b\\'], ['c']]);
  });

  it('writes bytes outside printable ASCII as \\DDD escapes, keeping their meaning', () => {
    const bytes = Buffer.concat([
      Buffer.from('h\u00e9\u0001 "\t'),
      Buffer.from([0xff, 0x5c, 0xfe, 0x5c, 0x5c, 0xfd]),
      Buffer.from('"\n'),
    ]);
    const [[t1, t2]] = lexAll([bytes]).map((r) => r.tokens);
    expect(t1.text).toBe('h\\195\\169\\001');
    // tab -> \009; 0xff -> \255; backslash-escaped 0xfe -> \254 (the \DDD is the escape); \\ then 0xfd -> \\\253
    expect(t2.text).toBe('\\009\\255\\254\\\\\\253');
  });

  describe('errors', () => {
    it('rejects a ) without (', () => {
      const e = lexError('a A 1\nb ) A 1\n');
      expect([e.line, e.column, e.file]).toEqual([2, 3, 'z.db']);
      expect(e.reason).toMatch(/unbalanced '\)'/);
    });

    it('rejects a ( left open at the end of the file, pointing at the (', () => {
      const e = lexError('a A 1\n@ SOA ns h ( 1 2\n 3 4 5\n');
      expect([e.line, e.column]).toEqual([2, 12]);
      expect(e.reason).toMatch(/unbalanced '\('/);
    });

    it('rejects an unterminated quoted string at the end of a line or of the file', () => {
      const e = lexError('a TXT "abc\nb A 1\n');
      expect([e.line, e.column]).toEqual([1, 7]);
      expect(e.reason).toMatch(/unterminated quoted string/);
      expect(lexError('a TXT "abc\\"').reason).toMatch(/end of the file/);
    });

    it('rejects NUL bytes', () => {
      expect(lexError('a\u0000b A 1\n').reason).toMatch(/NUL/);
    });

    it('rejects an overlong record', () => {
      const e = lexError(`a TXT ${'x'.repeat(MAX_RECORD_BYTES + 1)}\n`);
      expect(e.reason).toMatch(/longer than/);
    });
  });

  describe('streaming', () => {
    const sample =
      '$ORIGIN example.\n@ 3600 IN SOA ns h (\n 1 2 3 4 5 ) ; c\n  NS ns\nt TXT "a b" "c\\"d" \\065\u00e9x\r\n' +
      'x (\n  A\n  1.2.3.4 )\n\tMX 10 mx ; done\nlast A 1';

    it('gives the same records whatever the chunk boundaries', () => {
      const bytes = Buffer.from(sample);
      const whole = lexAll([bytes]);
      fc.assert(
        fc.property(fc.array(fc.nat(bytes.length), { maxLength: 12 }), (cuts) => {
          const points = [...new Set(cuts)].sort((x, y) => x - y);
          const chunks: Uint8Array[] = [];
          let from = 0;
          for (const at of points) {
            chunks.push(new Uint8Array(bytes.subarray(from, at)));
            from = at;
          }
          chunks.push(bytes.subarray(from));
          expect(lexAll(chunks)).toEqual(whole);
        }),
      );
    });

    it('splits a multi-byte character across chunks correctly', () => {
      const bytes = Buffer.from('a TXT h\u00e9llo\n');
      const at = bytes.indexOf(0xc3) + 1;
      expect(lexAll([bytes.subarray(0, at), bytes.subarray(at)])[0].tokens[2].text).toBe('h\\195\\169llo');
    });

    it('refuses a write before the previous chunk is consumed', () => {
      const lexer = new ZoneLexer();
      lexer.write(Buffer.from('a A 1\nb A 2\n'));
      expect(lexer.next()?.tokens[0].text).toBe('a');
      expect(() => lexer.write(Buffer.from('c'))).toThrow(/consumed/);
    });
  });

  it('never throws anything but ZoneFileError on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', ' ', '\t', '\n', '\r', '"', '\\', ';', '(', ')', '\u00e9', '\u0000'),
        }),
        (text) => {
          try {
            tokenize(text);
          } catch (e) {
            expect(e).toBeInstanceOf(ZoneFileError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
