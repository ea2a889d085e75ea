import { lstatSync, readdirSync, statSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

const META = /[*?[\\]/;
const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/-]/;

/** True when the pattern has wildcards (Go's filepath hasMeta). */
export function hasGlobMeta(pattern: string): boolean {
  return META.test(pattern);
}

/** Thrown for a malformed pattern; the parser turns it into a CorefileError. */
export class GlobPatternError extends Error {
  override readonly name = 'GlobPatternError';
}

/**
 * Compiles one path segment of a Go filepath.Match pattern: `*` is any run of characters
 * but `/`, `?` is one character, `\x` is a literal x. Character classes are refused:
 * CoreDNS refuses any import pattern holding both `[` and `]` before it gets here, so a
 * `[` that reaches this point is unbalanced, which Go calls a bad pattern too.
 */
function compileSegment(segment: string): RegExp {
  let source = '^';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') throw new GlobPatternError('syntax error in pattern');
    else if (ch === '\\') {
      if (i + 1 >= segment.length) throw new GlobPatternError('syntax error in pattern');
      source += escapeRegExp(segment[++i]);
    } else source += escapeRegExp(ch);
  }
  return new RegExp(source + '$', 'u');
}

function escapeRegExp(ch: string): string {
  return REGEXP_SPECIAL.test(ch) ? '\\' + ch : ch;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Names in `dir` matching one segment pattern, as paths, in lexical order. */
function matchInDirectory(dir: string, segment: string, into: string[]): void {
  const re = compileSegment(segment);
  if (!isDirectory(dir)) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  names.sort();
  for (const name of names) if (re.test(name)) into.push(join(dir, name));
}

/**
 * The files and directories an absolute pattern matches, sorted, with Go filepath.Glob's
 * rules: wildcards never cross `/`, hidden names are matched like any other, a pattern
 * without wildcards matches the path if it exists. Unreadable directories match nothing.
 */
export function globSync(pattern: string): string[] {
  if (!hasGlobMeta(pattern)) {
    try {
      lstatSync(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const dir = dirname(pattern);
  const segment = basename(pattern);
  const matches: string[] = [];
  if (!hasGlobMeta(dir)) {
    matchInDirectory(dir, segment, matches);
    return matches;
  }
  if (dir === pattern) throw new GlobPatternError('syntax error in pattern');
  for (const d of globSync(dir)) matchInDirectory(d, segment, matches);
  return matches;
}
