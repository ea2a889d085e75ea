import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { COMBINED_LOG_FORMAT, COMMON_LOG_FORMAT } from './format.js';
import { parseLog, type LogRule } from './setup.js';

function parse(text: string): LogRule[] {
  return parseLog(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
}

/** scope, format source, classes (undefined = all) */
function summary(rules: LogRule[]): [string, string, string[] | undefined][] {
  return rules.map((r) => [
    r.scope,
    r.format.source,
    r.classes === undefined ? undefined : [...r.classes].sort(),
  ]);
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

describe('parseLog', () => {
  it.each<[string, [string, string, string[] | undefined][]]>([
    ['log', [['.', COMMON_LOG_FORMAT, undefined]]],
    ['log example.org', [['example.org.', COMMON_LOG_FORMAT, undefined]]],
    ['log example.org. {common}', [['example.org.', COMMON_LOG_FORMAT, undefined]]],
    ['log example.org {combined}', [['example.org.', COMBINED_LOG_FORMAT, undefined]]],
    [
      'log example.org.\nlog example.net {combined}',
      [
        ['example.org.', COMMON_LOG_FORMAT, undefined],
        ['example.net.', COMBINED_LOG_FORMAT, undefined],
      ],
    ],
    [
      'log example.org example.net',
      [
        ['example.org.', COMMON_LOG_FORMAT, undefined],
        ['example.net.', COMMON_LOG_FORMAT, undefined],
      ],
    ],
    [
      'log example.org example.net {host}',
      [
        ['example.org.', '{host}', undefined],
        ['example.net.', '{host}', undefined],
      ],
    ],
    [
      'log example.org example.net {when} {\n  class denial\n}',
      [
        ['example.org.', '{when}', ['denial']],
        ['example.net.', '{when}', ['denial']],
      ],
    ],
    ['log example.org {\n  class all\n}', [['example.org.', COMMON_LOG_FORMAT, undefined]]],
    ['log {\n  class denial\n}', [['.', COMMON_LOG_FORMAT, ['denial']]]],
    ['log {\n  class denial error\n}', [['.', COMMON_LOG_FORMAT, ['denial', 'error']]]],
    ['log {\n  class denial\n  class error\n}', [['.', COMMON_LOG_FORMAT, ['denial', 'error']]]],
    // "all" wins over anything it is mixed with.
    ['log {\n  class denial all\n}', [['.', COMMON_LOG_FORMAT, undefined]]],
    [
      'log . "{proto} Request: {name} {type} {>id}"',
      [['.', '{proto} Request: {name} {type} {>id}', undefined]],
    ],
    [
      'log example.org "{combined} {/forward/upstream}"',
      [['example.org.', COMBINED_LOG_FORMAT + ' {/forward/upstream}', undefined]],
    ],
    [
      'log example.org "{when} {common} {/forward/upstream}"',
      [['example.org.', `{when} ${COMMON_LOG_FORMAT} {/forward/upstream}`, undefined]],
    ],
    // A lone format applies to every name.
    ['log "{remote} asked for {name}"', [['.', '{remote} asked for {name}', undefined]]],
    ['log {combined}', [['.', COMBINED_LOG_FORMAT, undefined]]],
  ])('%j', (text, expected) => {
    expect(summary(parse(text))).toEqual(expected);
  });

  it('shares one compiled format among the names of one line', () => {
    const [first, second] = parse('log a.example b.example {type}');
    expect(first.format).toBe(second.format);
  });

  it.each([
    [
      'log {\n  class abracadabra\n}',
      2,
      "invalid class 'abracadabra': expected one of all, success, denial, error",
    ],
    ['log {\n  class\n}', 2, "Wrong argument count or unexpected line ending after 'class'"],
    ['log {\n  unknown\n}', 2, "unknown property 'unknown'"],
    ['log . {\n  minDuration 1s\n}', 2, "unknown property 'minDuration'"],
    ['log exa..mple.org', 1, "invalid name 'exa..mple.org'"],
  ])('rejects %j at line %i', (text, line, message) => {
    const err = errorOf(text);
    expect(err.line).toBe(line);
    expect(err.file).toBe('Corefile');
    expect(err.detail).toContain(message);
  });
});
