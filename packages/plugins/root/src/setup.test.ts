import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseRoot, type RootConfig } from './setup.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-root-'));
const file = join(dir, 'plain-file');
writeFileSync(file, 'not a directory');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(text: string): RootConfig {
  return parseRoot(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'));
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

describe('parseRoot', () => {
  it('takes an existing directory', () => {
    expect(parse(`root ${dir}`)).toEqual({ path: dir, exists: true });
  });

  it('takes a relative path relative to the working directory', () => {
    expect(parse('root .')).toEqual({ path: process.cwd(), exists: true });
    expect(parse('root zones/not-here')).toEqual({ path: resolve('zones/not-here'), exists: false });
  });

  it('accepts a directory that does not exist yet', () => {
    expect(parse(`root "${join(dir, 'later')}"`)).toEqual({ path: join(dir, 'later'), exists: false });
  });

  it.each([
    ['root', 1, "Wrong argument count or unexpected line ending after 'root'"],
    ['root a b', 1, "Wrong argument count or unexpected line ending after 'b'"],
    ['root {\n}', 1, "Unexpected token '{', expecting argument"],
    ['\nroot . {\n}', 2, "Unexpected token '{', expecting argument"],
    [`root ${file}`, 1, `root path '${file}' is not a directory`],
    [`root ${file}/zones`, 1, `unable to access root path '${file}/zones': ENOTDIR`],
  ])('rejects %j at line %i', (text, line, message) => {
    const err = errorOf(text);
    expect([err.file, err.line]).toEqual(['Corefile', line]);
    expect(err.detail).toContain(message);
  });
});
