import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { MAX_REGEXP_LENGTH, compilePattern, parseErrors, type ErrorsConfig } from './setup.js';

function parse(text: string): ErrorsConfig {
  return parseErrors(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
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

describe('parseErrors', () => {
  it('accepts the bare directive and "stdout"', () => {
    expect(parse('errors')).toEqual({ stacktrace: false, consolidate: [] });
    expect(parse('errors stdout')).toEqual({ stacktrace: false, consolidate: [] });
    expect(parse('errors {\n}')).toEqual({ stacktrace: false, consolidate: [] });
  });

  it('reads stacktrace', () => {
    expect(parse('errors {\n  stacktrace\n}').stacktrace).toBe(true);
  });

  it('reads consolidate lines with their period, pattern, level and show_first', () => {
    const config = parse(
      [
        'errors {',
        '  consolidate 5m ".* i/o timeout$" warning',
        '  consolidate 30s "^Failed to .+" error show_first',
        '  consolidate 1h30m ^x show_first',
        '  consolidate 10ms x info',
        '  consolidate 2s y debug',
        '  consolidate 1s z',
        '  stacktrace',
        '}',
      ].join('\n'),
    );
    expect(config.stacktrace).toBe(true);
    expect(config.consolidate.map((r) => [r.periodNs / 1e9, r.source, r.level, r.showFirst])).toEqual([
      [300, '.* i/o timeout$', 'warning', false],
      [30, '^Failed to .+', 'error', true],
      [5400, '^x', 'error', true],
      [0.01, 'x', 'info', false],
      [2, 'y', 'debug', false],
      [1, 'z', 'error', false],
    ]);
    expect(config.consolidate[0].pattern.test('read udp 10.0.0.1:53->8.8.8.8:53: i/o timeout')).toBe(true);
    expect(config.consolidate[0].pattern.test('i/o timeout, then more')).toBe(false);
  });

  it.each([
    ['errors errors.txt', 1, 'invalid log file: errors.txt'],
    ['errors visible', 1, 'invalid log file: visible'],
    ['errors a b', 1, "Wrong argument count or unexpected line ending after 'b'"],
    ['errors {\n  log visible\n}', 2, "unknown property 'log'"],
    ['errors {\n  stacktrace please\n}', 2, "Wrong argument count or unexpected line ending after 'please'"],
    ['errors {\n  consolidate\n}', 2, 'Wrong argument count'],
    ['errors {\n  consolidate 1m\n}', 2, 'Wrong argument count'],
    ['errors {\n  consolidate 1m ^x error show_first extra\n}', 2, 'Wrong argument count'],
    ['errors {\n  consolidate abc ^x\n}', 2, 'time: invalid duration "abc"'],
    ['errors {\n  consolidate 1 ^x\n}', 2, 'time: missing unit in duration "1"'],
    ['errors {\n  consolidate 0s ^x\n}', 2, 'consolidate period must be positive, got 0s'],
    ['errors {\n  consolidate -1m ^x\n}', 2, 'consolidate period must be positive, got -1m'],
    ['errors {\n  consolidate 600h ^x\n}', 2, 'consolidate period 600h is longer than the longest supported, 596h31m23.647s'],
    ['errors {\n  consolidate 1m "(unclosed"\n}', 2, 'Invalid regular expression'],
    ['errors {\n  consolidate 1m "(?U)lazy"\n}', 2, "unsupported inline flag 'U'"],
    ['errors {\n  consolidate 1m ^x critical\n}', 2, 'unknown option in consolidate: critical'],
    ['errors {\n  consolidate 1m ^x error warning\n}', 2, 'multiple log levels specified in consolidate'],
    ['errors {\n  consolidate 1m ^x show_first error\n}', 2, 'log level must come before show_first in consolidate'],
    ['errors {\n  consolidate 1m ^x show_first show_first\n}', 2, 'show_first given twice in consolidate'],
  ])('rejects %j at line %i', (text, line, message) => {
    const err = errorOf(text);
    expect(err.file).toBe('Corefile');
    expect(err.line).toBe(line);
    expect(err.detail).toContain(message);
  });

  it('rejects a pattern longer than CoreDNS allows', () => {
    const long = 'a'.repeat(MAX_REGEXP_LENGTH + 1);
    expect(errorOf(`errors {\n  consolidate 1m ${long}\n}`).detail).toBe(
      `regex pattern too long: ${MAX_REGEXP_LENGTH + 1} > ${MAX_REGEXP_LENGTH}`,
    );
    expect(parse(`errors {\n  consolidate 1m ${'a'.repeat(MAX_REGEXP_LENGTH)}\n}`).consolidate).toHaveLength(1);
  });
});

describe('compilePattern', () => {
  it("turns Go's leading inline flags into JavaScript flags", () => {
    const re = compilePattern('(?i)^failed to');
    expect(re.flags).toBe('i');
    expect(re.test('FAILED TO connect')).toBe(true);
    expect(compilePattern('(?is)a.b').test('A\nB')).toBe(true);
    expect(compilePattern('(?m)^b$').test('a\nb')).toBe(true);
  });

  it('leaves other patterns as they are', () => {
    const re = compilePattern('^x(?:y)$');
    expect([re.source, re.flags]).toEqual(['^x(?:y)$', '']);
  });

  it('rejects inline flags anywhere but at the start', () => {
    expect(() => compilePattern('a(?i)b')).toThrow(SyntaxError);
  });
});
