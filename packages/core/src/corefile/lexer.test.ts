import { describe, expect, it } from 'vitest';
import { CorefileError } from './errors.js';
import { tokenize } from './lexer.js';

const words = (text: string) => tokenize(text, 'Corefile').map((t) => t.text);
const lines = (text: string) => tokenize(text, 'Corefile').map((t) => [t.text, t.line]);

describe('tokenize', () => {
  it('splits on white space and records file and line', () => {
    expect(tokenize('. {\n  forward . 8.8.8.8\n}\n', 'Corefile')).toEqual([
      { text: '.', file: 'Corefile', line: 1, endLine: 1, quoted: false },
      { text: '{', file: 'Corefile', line: 1, endLine: 1, quoted: false },
      { text: 'forward', file: 'Corefile', line: 2, endLine: 2, quoted: false },
      { text: '.', file: 'Corefile', line: 2, endLine: 2, quoted: false },
      { text: '8.8.8.8', file: 'Corefile', line: 2, endLine: 2, quoted: false },
      { text: '}', file: 'Corefile', line: 3, endLine: 3, quoted: false },
    ]);
  });

  it('treats tabs, CRLF, vertical tab, form feed, NBSP and Unicode spaces as separators', () => {
    expect(lines('a\tb\r\nc\vd\fe\u00a0f\u2003g\u3000h')).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 2],
      ['d', 2],
      ['e', 2],
      ['f', 2],
      ['g', 2],
      ['h', 2],
    ]);
  });

  it('skips comments to the end of the line, even mid-word', () => {
    expect(lines('# heading\nlog # trailing\nfoo#bar baz\nqux')).toEqual([
      ['log', 2],
      ['foo', 3],
      ['qux', 4],
    ]);
  });

  it('keeps braces glued to words as part of the word', () => {
    expect(words('a{ {b }c { }')).toEqual(['a{', '{b', '}c', '{', '}']);
  });

  it('reads quoted strings with spaces, # and only \\" as an escape', () => {
    const toks = tokenize('"a b # c" "say \\"hi\\"" "back\\\\slash" "x\\ny"', 'F');
    expect(toks.map((t) => [t.text, t.quoted])).toEqual([
      ['a b # c', true],
      ['say "hi"', true],
      ['back\\\\slash', true],
      ['x\\ny', true],
    ]);
  });

  it('ends a quoted string at a quote after an escaped backslash', () => {
    expect(words('"a\\\\" b')).toEqual(['a\\\\', 'b']);
  });

  it('starts a quoted string only at the start of a word', () => {
    expect(tokenize('foo"bar baz"', 'F').map((t) => [t.text, t.quoted])).toEqual([
      ['foo"bar', false],
      ['baz"', false],
    ]);
    expect(words('"a"b')).toEqual(['a', 'b']);
  });

  it('keeps empty quoted strings as tokens', () => {
    expect(tokenize('a "" b', 'F').map((t) => [t.text, t.quoted])).toEqual([
      ['a', false],
      ['', true],
      ['b', false],
    ]);
  });

  it('counts lines inside multi-line quoted strings', () => {
    const toks = tokenize('x "one\ntwo\nthree" y\nz', 'F');
    expect(toks.map((t) => [t.text, t.line, t.endLine])).toEqual([
      ['x', 1, 1],
      ['one\ntwo\nthree', 1, 3],
      ['y', 3, 3],
      ['z', 4, 4],
    ]);
  });

  it('skips a leading byte order mark only', () => {
    expect(words('\ufeffa \ufeffb')).toEqual(['a', '\ufeffb']);
  });

  it('returns nothing for empty, blank or comment-only input', () => {
    expect(tokenize('', 'F')).toEqual([]);
    expect(tokenize('\ufeff', 'F')).toEqual([]);
    expect(tokenize(' \n\t# only a comment\n', 'F')).toEqual([]);
  });

  it('rejects an unterminated quoted string at the line it starts on', () => {
    expect(() => tokenize('a\nb "open\nstill', 'conf/x')).toThrow(
      new CorefileError('conf/x', 2, 'Unterminated quoted string'),
    );
    expect(() => tokenize('"ends in escape\\', 'F')).toThrow(
      /F:1 - Error during parsing: Unterminated quoted string/,
    );
  });
});
