import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatServerAddress } from './address.js';
import { CorefileError } from './errors.js';
import { loadCorefile, parseCorefile, type ParseOptions, type ServerBlockConfig } from './parser.js';
import * as book from './testdata/book.js';

/** Blocks reduced to what a reader checks: keys, addresses, directive words. */
function summary(blocks: ServerBlockConfig[]) {
  return blocks.map((b) => ({
    keys: b.keys,
    addresses: b.addresses.map((a) => formatServerAddress(a)),
    directives: Object.fromEntries([...b.directives].map(([name, d]) => [name, d.tokens.map((t) => t.text)])),
  }));
}

const parse = (text: string, opts: Partial<ParseOptions> = {}) =>
  parseCorefile(text, { filename: 'Corefile', env: {}, ...opts });
const parsed = (text: string, opts: Partial<ParseOptions> = {}) => summary(parse(text, opts));

/** The CorefileError a parse throws, for asserting file, line and message. */
function errorOf(text: string, opts: Partial<ParseOptions> = {}): CorefileError {
  try {
    parse(text, opts);
  } catch (e) {
    if (e instanceof CorefileError) return e;
    throw e;
  }
  throw new Error('expected a CorefileError');
}

/** An in-memory file tree for imports: absolute path -> text. */
function memoryFiles(files: Record<string, string>): Pick<ParseOptions, 'readFile' | 'glob'> {
  return {
    readFile: (path) => {
      if (!(path in files))
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
          code: 'ENOENT',
        });
      return files[path];
    },
    glob: (pattern) => {
      const star = pattern.indexOf('*');
      if (star < 0) return pattern in files ? [pattern] : [];
      const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)];
      return Object.keys(files)
        .filter(
          (p) =>
            p.startsWith(head) &&
            p.endsWith(tail) &&
            !p.slice(head.length, p.length - tail.length).includes('/'),
        )
        .sort();
    },
  };
}

describe("the book's Corefiles (chapter 3 syntax)", () => {
  it('Example 3-1: an entry with a comment, a label and a definition', () => {
    expect(parsed(book.example3_1)).toEqual([
      { keys: ['label'], addresses: ['dns://label.:53'], directives: { definition: ['definition'] } },
    ]);
  });

  it('Example 3-2: several labels separated by spaces', () => {
    expect(parsed(book.example3_2)[0].keys).toEqual(['label1', 'label2']);
  });

  it('Example 3-3: labels continued over lines with trailing commas', () => {
    const [b] = parsed(book.example3_3);
    expect(b.keys).toEqual(['label1', 'label2', 'label3', 'label4', 'label5']);
    expect(b.addresses).toEqual(
      ['label1', 'label2', 'label3', 'label4', 'label5'].map((l) => `dns://${l}.:53`),
    );
  });

  it('Examples 3-4 to 3-6: directives, arguments, blocks and subdirectives', () => {
    expect(parsed(book.example3_5)[0].directives).toEqual({
      directive1: ['directive1', 'arg1', 'arg2'],
      directive2: ['directive2', '{', 'arg3', 'arg4', '}'],
    });
    expect(parsed(book.example3_6)[0].directives.directive2).toEqual([
      'directive2',
      '{',
      'subdirective',
      'arg3',
      'arg4',
      'arg5',
      '}',
    ]);
  });

  it('Example 3-7: environment variables in labels and arguments', () => {
    expect(parsed(book.example3_7, { env: { ENV_VAR_1: 'one.example', ENV_VAR_2: 'value' } })).toEqual([
      {
        keys: ['label_one.example'],
        addresses: ['dns://label_one.example.:53'],
        directives: { directive: ['directive', 'value'] },
      },
    ]);
  });

  it('Example 3-8: a snippet holding a whole entry, imported at the top level', () => {
    expect(parsed(book.example3_8)).toEqual([
      {
        keys: ['label1'],
        addresses: ['dns://label1.:53'],
        directives: { directive1: ['directive1', 'arg1'], directive2: ['directive2', 'arg2', 'arg3'] },
      },
    ]);
  });

  it('Examples 3-10 to 3-15: zones, root, ports and transports', () => {
    expect(parsed(book.example3_15)).toEqual([
      { keys: ['foo.example'], addresses: ['dns://foo.example.:53'], directives: {} },
      { keys: ['tls://foo.example'], addresses: ['tls://foo.example.:853'], directives: {} },
      { keys: ['bar.example'], addresses: ['dns://bar.example.:53'], directives: {} },
      { keys: ['bar.example:1053'], addresses: ['dns://bar.example.:1053'], directives: {} },
      { keys: ['.'], addresses: ['dns://.:53'], directives: {} },
    ]);
  });

  it('Examples 3-37 and 3-38: caching and primary servers', () => {
    expect(parsed(book.example3_37)[0].directives).toEqual({
      forward: ['forward', '.', '8.8.8.8', '8.8.4.4'],
      cache: ['cache'],
      errors: ['errors'],
      log: ['log'],
    });
    const primary = parsed(book.example3_38);
    expect(primary.map((b) => b.keys)).toEqual([['foo.example'], ['.']]);
    expect(primary[0].directives).toEqual({
      root: ['root', '/etc/coredns/zones'],
      file: ['file', 'db.foo.example'],
      errors: ['errors'],
      log: ['log'],
    });
  });

  it('Example 3-39: a snippet imported into three blocks', () => {
    const blocks = parse(book.example3_39);
    expect(summary(blocks).map((b) => b.directives)).toEqual([
      { transfer: ['transfer', 'from', '10.0.0.1'], errors: ['errors'], log: ['log'] },
      {
        file: ['file', 'db.foo.example'],
        root: ['root', '/etc/coredns/zones'],
        errors: ['errors'],
        log: ['log'],
      },
      { forward: ['forward', '8.8.8.8', '8.8.4.4'], cache: ['cache'], errors: ['errors'], log: ['log'] },
    ]);
    // Imported tokens keep the snippet's own position, and say where they were imported.
    const errors = blocks[0].directives.get('errors');
    expect(errors).toMatchObject({ file: 'Corefile', line: 2 });
    expect(errors?.tokens[0].origin).toMatchObject({
      kind: 'snippet',
      name: 'logerrors',
      file: 'Corefile',
      line: 8,
    });
  });

  it('Examples 6-11 and 6-13: the Kubernetes Corefiles', () => {
    const [k8s] = parsed(book.example6_11);
    expect(k8s.addresses).toEqual(['dns://.:53']);
    expect(Object.keys(k8s.directives)).toEqual([
      'errors',
      'health',
      'kubernetes',
      'prometheus',
      'forward',
      'cache',
      'loop',
      'reload',
      'loadbalance',
    ]);
    expect(k8s.directives.kubernetes).toEqual([
      'kubernetes',
      'CLUSTER_DOMAIN',
      'REVERSE_CIDRS',
      '{',
      'pods',
      'insecure',
      'upstream',
      'fallthrough',
      'in-addr.arpa',
      'ip6.arpa',
      '}',
    ]);
    const stub = parsed(book.example6_13);
    expect(stub.map((b) => b.addresses)).toEqual([['dns://.:53'], ['dns://corp.example.com.:53']]);
    expect(stub[1].directives.forward).toEqual(['forward', '.', '10.0.0.10:53']);
  });

  it('Example 7-1: quoted braces are text, not blocks', () => {
    const [b] = parse(book.example7_1);
    expect(b.addresses.map((a) => formatServerAddress(a))).toEqual([
      'dns://example.com.:5300',
      'dns://in-addr.arpa.:5300',
    ]);
    const template = b.directives.get('template');
    expect(template?.tokens.filter((t) => t.text === '{' || t.text === '}')).toHaveLength(4);
    const answers = template?.tokens.filter((t) => t.quoted).map((t) => t.text);
    expect(answers?.[0]).toBe(
      '{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}',
    );
    expect(template).toMatchObject({ file: 'Corefile', line: 3 });
    expect(summary([b])[0].directives.forward).toEqual(['forward', '.', '/etc/resolv.conf']);
  });
});

describe('syntax', () => {
  it('reads a braceless single entry to the end of the input', () => {
    expect(parsed('example.org\nwhoami\nlog\n')).toEqual([
      {
        keys: ['example.org'],
        addresses: ['dns://example.org.:53'],
        directives: { whoami: ['whoami'], log: ['log'] },
      },
    ]);
  });

  it('reads a lone line of keys as blocks without plugins', () => {
    expect(parsed('example.org example.net')).toEqual([
      {
        keys: ['example.org', 'example.net'],
        addresses: ['dns://example.org.:53', 'dns://example.net.:53'],
        directives: {},
      },
    ]);
  });

  it('accepts the opening brace on the line after the keys', () => {
    expect(parsed('example.org\n{\n  log\n}\n')[0].directives).toEqual({ log: ['log'] });
  });

  it('accepts empty blocks and blank, comment-only or empty input', () => {
    expect(parsed('. {\n}\n')).toEqual([{ keys: ['.'], addresses: ['dns://.:53'], directives: {} }]);
    // `{}` is one word: the keys `.` and `{}`, which is no zone
    expect(errorOf('. {}').message).toBe(
      'Corefile:1 - Error during parsing: zone is not a valid domain name: {}',
    );
    expect(parsed('')).toEqual([]);
    expect(parsed('# nothing\n\n   \n')).toEqual([]);
  });

  it('gathers every occurrence of a directive, in order, with the first position', () => {
    const [b] = parse('. {\n  log\n  errors\n  log . {\n    class denial\n  }\n}\n');
    const log = b.directives.get('log');
    expect(log?.tokens.map((t) => [t.text, t.line])).toEqual([
      ['log', 2],
      ['log', 4],
      ['.', 4],
      ['{', 4],
      ['class', 5],
      ['denial', 5],
      ['}', 6],
    ]);
    expect(log).toMatchObject({ name: 'log', file: 'Corefile', line: 2 });
    expect([...b.directives.keys()]).toEqual(['log', 'errors']);
  });

  it('follows nested blocks inside a directive', () => {
    expect(parsed('. {\n  a {\n    b {\n      c d\n    }\n    e\n  }\n  f\n}\n')[0].directives).toEqual({
      a: ['a', '{', 'b', '{', 'c', 'd', '}', 'e', '}'],
      f: ['f'],
    });
  });

  it('keeps quoted arguments whole and marks them quoted', () => {
    const [b] = parse('. {\n  chaos "CoreDNS 001" "a \\"b\\""\n}\n');
    expect(b.directives.get('chaos')?.tokens.map((t) => [t.text, t.quoted])).toEqual([
      ['chaos', false],
      ['CoreDNS 001', true],
      ['a "b"', true],
    ]);
  });

  it('substitutes {$VAR} and {%VAR%} in keys, directive names and arguments, one token per reference', () => {
    const env = { ZONE: 'Example.ORG', PORT: '1053', DIR: 'log', UP: '1.1.1.1 9.9.9.9' };
    expect(parsed('{$ZONE}:{%PORT%} {\n  {$DIR}\n  forward . {$UP}\n}\n', { env })).toEqual([
      {
        keys: ['Example.ORG:1053'],
        addresses: ['dns://example.org.:1053'],
        directives: { log: ['log'], forward: ['forward', '.', '1.1.1.1 9.9.9.9'] },
      },
    ]);
  });

  it('treats a comma-terminated variable as a key continuation', () => {
    expect(parsed('{$A}\nb.org {\n}\n', { env: { A: 'a.org,' } })[0].keys).toEqual(['a.org', 'b.org']);
  });

  it('keeps keys written with a comma and a space separately', () => {
    expect(parsed('a.org , b.org {\n}\n')[0].keys).toEqual(['a.org', 'b.org']);
  });

  it('expands CIDR keys into reverse zones and applies the default port', () => {
    expect(
      parsed('10.0.0.0/24 2001:db8::/32 {\n  whoami\n}\n', { defaultDnsPort: '1053' })[0].addresses,
    ).toEqual(['dns://0.0.10.in-addr.arpa.:1053', 'dns://8.b.d.0.1.0.0.2.ip6.arpa.:1053']);
    expect(parsed('10.0.0.0/15:5300 {\n}\n')[0].addresses).toEqual([
      'dns://0.10.in-addr.arpa.:5300',
      'dns://1.10.in-addr.arpa.:5300',
    ]);
  });

  it('keeps import statements apart from the lines around them', () => {
    // CoreDNS (Caddy v1) compares line numbers across the splice, so a snippet defined
    // further down the file could swallow the directive after its import; here it cannot.
    const text = '. {\n  import tail\n  cache 30\n}\n\n\n(tail) {\n  errors\n}\n';
    expect(() => parse(text)).toThrow(/File to import not found: tail/);
    const text2 = '(tail) {\n  forward . 1.1.1.1\n}\n. {\n  import tail\n  cache 30\n}\n';
    expect(parsed(text2)[0].directives).toEqual({
      forward: ['forward', '.', '1.1.1.1'],
      cache: ['cache', '30'],
    });
  });

  it('imports a snippet inside a directive block', () => {
    const text =
      '(opts) {\n  max_fails 3\n  expire 10s\n}\n. {\n  forward . 1.1.1.1 {\n    import opts\n    health_check 5s\n  }\n}\n';
    expect(parsed(text)[0].directives.forward).toEqual([
      'forward',
      '.',
      '1.1.1.1',
      '{',
      'max_fails',
      '3',
      'expire',
      '10s',
      'health_check',
      '5s',
      '}',
    ]);
  });

  it('lets a snippet import another defined before it is used, and substitutes at use', () => {
    const text = '(outer) {\n  import inner\n  {$X}\n}\n(inner) {\n  log\n}\n. {\n  import outer\n}\n';
    expect(parsed(text, { env: { X: 'errors' } })[0].directives).toEqual({
      log: ['log'],
      errors: ['errors'],
    });
  });

  it('does not treat quoted braces or a quoted import as syntax', () => {
    expect(parsed('. {\n  a "{"\n  "import" x\n}\n')[0].directives).toEqual({
      a: ['a', '{'],
      import: ['import', 'x'],
    });
  });

  it('treats import later on a line as an ordinary word', () => {
    expect(parsed('. {\n  log import x\n}\n')[0].directives).toEqual({ log: ['log', 'import', 'x'] });
  });

  it('checks directive names when given the known set', () => {
    const knownDirectives = new Set(['log', 'errors']);
    expect(parsed('. {\n  log\n}\n', { knownDirectives })[0].directives).toEqual({ log: ['log'] });
    expect(errorOf('. {\n  log\n  fancy\n}\n', { knownDirectives }).message).toBe(
      "Corefile:3 - Error during parsing: Unknown directive 'fancy'",
    );
  });

  it('reports parse positions of keys and blocks', () => {
    const blocks = parse('\n\na.org {\n}\n\nb.org {\n}\n');
    expect(blocks.map((b) => [b.file, b.line])).toEqual([
      ['Corefile', 3],
      ['Corefile', 6],
    ]);
    expect(blocks[1].addresses[0]).toMatchObject({ key: 'b.org', file: 'Corefile', line: 6 });
  });
});

describe('errors carry file and line', () => {
  it.each([
    ['a.org {\n  log\n', "Corefile:2 - Syntax error: Unexpected EOF, expecting '}'"],
    [
      'a.org {\n  log\n}\n}\n',
      "Corefile:4 - Error during parsing: Unexpected '}' because no matching opening brace",
    ],
    [
      'a.org {\n  forward . {\n  }  }\n}\n',
      "Corefile:3 - Error during parsing: Unexpected '}' because no matching opening brace",
    ],
    ['a.org {\n  forward . {\n    x\n', 'Corefile:3 - Error during parsing: Unexpected EOF'],
    [
      'a.org,\nb.org, {\n}\n',
      "Corefile:2 - Error during parsing: Expected another address but had '{' - check for extra comma",
    ],
    ['a.org,\n', 'Corefile:1 - Error during parsing: Unexpected EOF'],
    ['{\n  log\n}\n', "Corefile:1 - Error during parsing: Missing server block key before '{'"],
    ['{$UNSET} {\n}\n', "Corefile:1 - Error during parsing: Missing server block key before '{'"],
    ['\n{$UNSET}\nlog\n', 'Corefile:2 - Error during parsing: Missing server block key'],
    ['a.org {\n  {\n  }\n}\n', "Corefile:2 - Error during parsing: Unexpected '{', expecting a directive"],
    ['a.org\n}\n', "Corefile:2 - Error during parsing: Unexpected '}' because no matching opening brace"],
    ['(snip)\nlog\n', "Corefile:2 - Syntax error: Unexpected token 'log', expecting '{'"],
    ['(snip)', "Corefile:1 - Syntax error: Unexpected EOF, expecting '{'"],
    ['(snip) {\n  log\n', "Corefile:2 - Syntax error: Unexpected EOF, expecting '}'"],
    [
      '(s) {\n}\n(s) {\n}\n',
      'Corefile:3 - Error during parsing: redeclaration of previously declared snippet s',
    ],
    [
      'a.org {\n}\n\nfoo://b.org {\n}\n',
      "Corefile:4 - Error during parsing: unknown scheme 'foo://' in 'foo://b.org'",
    ],
    ['a.org b.org:99999 {\n}\n', "Corefile:1 - Error during parsing: invalid port '99999' in 'b.org:99999'"],
    [
      '. {\n  import\n}\n',
      "Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'import'",
    ],
    [
      '. {\n  import a b\n}\n',
      'Corefile:2 - Error during parsing: Import takes only one argument (glob pattern or file)',
    ],
    ['. {\n  import {$NONE}\n}\n', 'Corefile:2 - Error during parsing: Import requires a non-empty filepath'],
    [
      '. {\n  import nothing-here.conf\n}\n',
      'Corefile:2 - Error during parsing: File to import not found: nothing-here.conf',
    ],
    ['. {\n  log "x\n}\n', 'Corefile:2 - Error during parsing: Unterminated quoted string'],
  ])('%j', (text, message) => {
    const e = errorOf(text, memoryFiles({}));
    expect(e).toBeInstanceOf(CorefileError);
    expect(e.message).toBe(message);
  });

  it('names the file given for a Corefile string', () => {
    expect(errorOf('. {\n', { filename: '/etc/tsdns/Corefile' }).message).toBe(
      "/etc/tsdns/Corefile:1 - Syntax error: Unexpected EOF, expecting '}'",
    );
  });
});

describe('import', () => {
  const files = {
    '/etc/dns/common.conf': 'errors\nlog\n',
    '/etc/dns/config/a.conf': 'cache 30\n',
    '/etc/dns/config/b.conf': 'whoami\n',
    '/etc/dns/config/nested/deep.conf': 'import ../b.conf\n',
    '/etc/dns/blocks.conf': 'a.org {\n  log\n}\n(shared) {\n  errors\n}\n',
    '/etc/dns/self.conf': 'import self.conf\n',
    '/etc/dns/ping.conf': 'log\nimport pong.conf\n',
    '/etc/dns/pong.conf': 'import ping.conf\n',
    '/etc/dns/root-again.conf': 'import Corefile\n',
    '/etc/dns/Corefile': '',
    '/etc/dns/bad.conf': 'a.org {\n}\nb.org:x {\n}\n',
    '/etc/dns/quote.conf': '\n\nlog "open\n',
    '/etc/dns/unknown.conf': 'errors\n\nfancy\n',
  };
  const opts = { filename: '/etc/dns/Corefile', ...memoryFiles(files) };

  it('Example 3-9: a file and all the files of a directory, relative to the Corefile', () => {
    expect(parsed('. {\n  import common.conf\n  import config/*.conf\n}\n', opts)[0].directives).toEqual({
      errors: ['errors'],
      log: ['log'],
      cache: ['cache', '30'],
      whoami: ['whoami'],
    });
  });

  it("resolves imports inside an imported file from that file's directory", () => {
    const [b] = parse('. {\n  import config/nested/deep.conf\n}\n', opts);
    expect(summary([b])[0].directives).toEqual({ whoami: ['whoami'] });
    const w = b.directives.get('whoami');
    expect(w).toMatchObject({ file: '/etc/dns/config/b.conf', line: 1 });
    expect(w?.tokens[0].origin).toMatchObject({
      kind: 'file',
      name: '/etc/dns/config/b.conf',
      file: '/etc/dns/config/nested/deep.conf',
      line: 1,
    });
    expect(w?.tokens[0].origin?.parent).toMatchObject({
      kind: 'file',
      name: '/etc/dns/config/nested/deep.conf',
      file: '/etc/dns/Corefile',
      line: 2,
    });
  });

  it('imports whole server blocks and snippets at the top level', () => {
    expect(parsed('import blocks.conf\nb.org {\n  import shared\n}\n', opts)).toEqual([
      { keys: ['a.org'], addresses: ['dns://a.org.:53'], directives: { log: ['log'] } },
      { keys: ['b.org'], addresses: ['dns://b.org.:53'], directives: { errors: ['errors'] } },
    ]);
  });

  it('accepts an absolute path and substitutes the environment in the pattern', () => {
    expect(
      parsed('. {\n  import {$CONF}\n}\n', { ...opts, env: { CONF: '/etc/dns/common.conf' } })[0].directives,
    ).toEqual({
      errors: ['errors'],
      log: ['log'],
    });
  });

  it('warns, as CoreDNS does, when a glob matches nothing', () => {
    const warnings: string[] = [];
    expect(
      parsed('. {\n  import none/*.conf\n  log\n}\n', { ...opts, onWarning: (m) => warnings.push(m) })[0]
        .directives,
    ).toEqual({ log: ['log'] });
    expect(warnings).toEqual(['No files matching import glob pattern: none/*.conf']);
  });

  it('refuses patterns with more than one wildcard', () => {
    expect(errorOf('. {\n  import */*.conf\n}\n', opts).message).toBe(
      '/etc/dns/Corefile:2 - Error during parsing: Glob pattern may only contain one wildcard (*), but has others: /etc/dns/*/*.conf',
    );
    expect(errorOf('. {\n  import a[bc].conf\n}\n', opts).detail).toMatch(
      /^Glob pattern may only contain one wildcard/,
    );
  });

  it('reports errors inside imported files at their own file and line', () => {
    expect(errorOf('import bad.conf\n', opts).message).toBe(
      "/etc/dns/bad.conf:3 - Error during parsing: invalid port 'x' in 'b.org:x'",
    );
    expect(errorOf('. {\n  import quote.conf\n}\n', opts).message).toBe(
      '/etc/dns/quote.conf:3 - Error during parsing: Unterminated quoted string',
    );
    expect(
      errorOf('. {\n  import unknown.conf\n}\n', { ...opts, knownDirectives: new Set(['errors']) }).message,
    ).toBe("/etc/dns/unknown.conf:3 - Error during parsing: Unknown directive 'fancy'");
  });

  it('reports a file that cannot be read', () => {
    const e = errorOf('. {\n  import common.conf\n}\n', {
      ...opts,
      readFile: () => {
        throw Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR' });
      },
    });
    expect(e.message).toBe(
      '/etc/dns/Corefile:2 - Error during parsing: Could not import /etc/dns/common.conf: is a directory',
    );
  });

  it('detects file import cycles', () => {
    expect(errorOf('. {\n  import self.conf\n}\n', opts).message).toBe(
      '/etc/dns/self.conf:1 - Error during parsing: import cycle: /etc/dns/Corefile -> /etc/dns/self.conf -> /etc/dns/self.conf',
    );
    expect(errorOf('. {\n  import ping.conf\n}\n', opts).message).toBe(
      '/etc/dns/pong.conf:1 - Error during parsing: import cycle: /etc/dns/Corefile -> /etc/dns/ping.conf -> /etc/dns/pong.conf -> /etc/dns/ping.conf',
    );
    expect(errorOf('. {\n  import root-again.conf\n}\n', opts).detail).toBe(
      'import cycle: /etc/dns/Corefile -> /etc/dns/root-again.conf -> /etc/dns/Corefile',
    );
  });

  it('detects snippet import cycles', () => {
    expect(errorOf('(a) {\n  import a\n}\n. {\n  import a\n}\n').message).toBe(
      'Corefile:2 - Error during parsing: import cycle: Corefile -> (a) -> (a)',
    );
    expect(errorOf('(a) {\n  import b\n}\n(b) {\n  log\n  import a\n}\n. {\n  import a\n}\n').message).toBe(
      'Corefile:6 - Error during parsing: import cycle: Corefile -> (a) -> (b) -> (a)',
    );
  });

  it('allows the same snippet or file more than once when it is not a cycle', () => {
    expect(
      parsed('(s) {\n  log\n}\n(t) {\n  import s\n  import s\n}\n. {\n  import t\n  import t\n}\n')[0]
        .directives,
    ).toEqual({
      log: ['log', 'log', 'log', 'log'],
    });
  });

  it('bounds exponential expansion', () => {
    let text = '(s0) {\n  log\n}\n';
    for (let i = 1; i <= 30; i++) text += `(s${i}) {\n  import s${i - 1}\n  import s${i - 1}\n}\n`;
    text += '. {\n  import s30\n}\n';
    expect(errorOf(text).detail).toMatch(/^maximum import expansions \(10000\) exceeded$/);
  });
});

describe('on disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsdns-corefile-'));
    mkdirSync(join(dir, 'conf.d'));
    mkdirSync(join(dir, 'conf.d', 'sub.conf'));
    writeFileSync(join(dir, 'Corefile'), '. {\n  import conf.d/*.zone\n  import common\n}\n');
    writeFileSync(join(dir, 'common'), 'errors\n');
    writeFileSync(join(dir, 'conf.d', 'b.zone'), 'log\n');
    writeFileSync(join(dir, 'conf.d', 'a.zone'), 'cache\n');
    writeFileSync(join(dir, 'conf.d', '.hidden.zone'), 'whoami\n');
    writeFileSync(join(dir, 'dir-import'), '. {\n  import conf.d/*.conf\n}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a Corefile and its glob imports in sorted order, hidden files included', () => {
    const [b] = loadCorefile(join(dir, 'Corefile'), { env: {} });
    expect([...b.directives.keys()]).toEqual(['whoami', 'cache', 'log', 'errors']);
    expect(b.directives.get('cache')).toMatchObject({ file: join(dir, 'conf.d', 'a.zone'), line: 1 });
  });

  it('refuses to import a directory', () => {
    expect(() => loadCorefile(join(dir, 'dir-import'))).toThrow(
      new CorefileError(
        join(dir, 'dir-import'),
        2,
        `Could not import ${join(dir, 'conf.d', 'sub.conf')}: is a directory`,
      ),
    );
  });

  it('reports a missing Corefile as a CorefileError', () => {
    expect(() => loadCorefile(join(dir, 'missing'))).toThrow(CorefileError);
  });
});
