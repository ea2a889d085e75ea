import { describe, expect, it } from 'vitest';
import { expandEnv } from './env.js';

const env = { ZONE: 'example.org', PORT: '1053', EMPTY: '', SELF: '{$SELF}', PCT: '{%ZONE%}' };

describe('expandEnv', () => {
  it('replaces {$NAME} and {%NAME%}, whole or inside a word', () => {
    expect(expandEnv('{$ZONE}', env)).toBe('example.org');
    expect(expandEnv('{%ZONE%}:{$PORT}', env)).toBe('example.org:1053');
    expect(expandEnv('label_{$ZONE}_x', env)).toBe('label_example.org_x');
    expect(expandEnv('{$ZONE}{$ZONE}', env)).toBe('example.orgexample.org');
  });

  it('turns unset and empty variables into nothing', () => {
    expect(expandEnv('a{$NOPE}b', env)).toBe('ab');
    expect(expandEnv('{%NOPE%}', env)).toBe('');
    expect(expandEnv('{$EMPTY}', env)).toBe('');
  });

  it('leaves bare %NAME% and $NAME alone (CoreDNS never substituted them)', () => {
    expect(expandEnv('%ZONE%', env)).toBe('%ZONE%');
    expect(expandEnv('$ZONE', env)).toBe('$ZONE');
    expect(expandEnv('50%', env)).toBe('50%');
  });

  it('leaves malformed references as written', () => {
    expect(expandEnv('{$}', env)).toBe('{$}');
    expect(expandEnv('{%%}', env)).toBe('{%%}');
    expect(expandEnv('{$ZONE', env)).toBe('{$ZONE');
    expect(expandEnv('{%ZONE}', env)).toBe('{%ZONE}');
    expect(expandEnv('{ZONE}', env)).toBe('{ZONE}');
    expect(expandEnv('{', env)).toBe('{');
    expect(expandEnv('{{$ZONE}}', env)).toBe('{example.org}');
  });

  it('does not rescan substituted values, so self-reference cannot loop', () => {
    expect(expandEnv('{$SELF}', env)).toBe('{$SELF}');
    expect(expandEnv('{$PCT}', env)).toBe('{%ZONE%}');
  });

  it('returns the same string when there is nothing to replace', () => {
    const s = 'forward . 8.8.8.8';
    expect(expandEnv(s, env)).toBe(s);
  });
});
