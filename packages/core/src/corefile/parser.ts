import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseServerKey, type ServerAddress } from './address.js';
import { expandEnv, type Environment } from './env.js';
import { CorefileError } from './errors.js';
import { globSync } from './glob.js';
import { tokenize } from './lexer.js';
import { isBare, onSameLine, type ImportOrigin, type Token } from './token.js';

/** All tokens of one directive in a server block, every occurrence in order (Caddy's ServerBlock.Tokens). */
export interface DirectiveTokens {
  readonly name: string;
  /** the directive word of each occurrence, its arguments and any `{ ... }` block */
  readonly tokens: readonly Token[];
  /** position of the first occurrence */
  readonly file: string;
  readonly line: number;
}

/** One server block (entry) of a Corefile. */
export interface ServerBlockConfig {
  /** the keys as written, after environment substitution and without separating commas */
  readonly keys: readonly string[];
  /** the keys normalised, one per zone (a CIDR key yields one per reverse zone) */
  readonly addresses: readonly ServerAddress[];
  /** directives by name, in order of first appearance */
  readonly directives: ReadonlyMap<string, DirectiveTokens>;
  /** position of the first key */
  readonly file: string;
  readonly line: number;
}

export interface ParseOptions {
  /** name the main text is reported under; relative imports resolve from its directory */
  readonly filename: string;
  /** where `{$NAME}` and `{%NAME%}` are looked up; default `process.env` */
  readonly env?: Environment;
  /** reads an imported file by absolute path; default: the file system, as UTF-8 */
  readonly readFile?: (path: string) => string;
  /** the paths an absolute import pattern matches, sorted; default: the file system (Go's filepath.Glob rules) */
  readonly glob?: (pattern: string) => string[];
  /** when given, a directive not in it is an error (CoreDNS checks against its plugin list) */
  readonly knownDirectives?: ReadonlySet<string>;
  /** port for `dns://` keys that name none; default 53 (the server's -dns.port) */
  readonly defaultDnsPort?: string;
  /** receives non-fatal findings (an import glob matching nothing); default: console.warn */
  readonly onWarning?: (message: string) => void;
}

/** Bounds on what imports may grow to, so hostile or mistaken input cannot exhaust memory. */
const MAX_IMPORT_EXPANSIONS = 10_000;
const MAX_IMPORTED_TOKENS = 1_000_000;

const GLOB_CHARS = /[*?[\]]/;

/** Tokens left to read: the main file, with imported tokens stacked on top as they are spliced in. */
class TokenStream {
  readonly #frames: { tokens: readonly Token[]; pos: number }[] = [];
  /** the token consumed most recently, and the one before it */
  last: Token | undefined;
  previous: Token | undefined;

  push(tokens: readonly Token[]): void {
    if (tokens.length > 0) this.#frames.push({ tokens, pos: 0 });
  }

  peek(): Token | undefined {
    for (let top = this.#frames.at(-1); top !== undefined; top = this.#frames.at(-1)) {
      if (top.pos < top.tokens.length) return top.tokens[top.pos];
      this.#frames.pop();
    }
    return undefined;
  }

  next(): Token | undefined {
    const t = this.peek();
    if (t !== undefined) {
      (this.#frames.at(-1) as { pos: number }).pos++;
      this.previous = this.last;
      this.last = t;
    }
    return t;
  }

  /** whether the token just returned by next() begins a line */
  startsLine(): boolean {
    return this.previous === undefined || this.last === undefined || !onSameLine(this.previous, this.last);
  }
}

function fail(at: Token, detail: string): never {
  throw new CorefileError(at.file, at.line, detail);
}

function reason(e: unknown): string {
  if (e && typeof e === 'object' && (e as { code?: unknown }).code === 'EISDIR') return 'is a directory';
  return e instanceof Error ? e.message : String(e);
}

function countOf(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

function withOrigin(tokens: readonly Token[], origin: ImportOrigin): Token[] {
  const out = new Array<Token>(tokens.length);
  for (let i = 0; i < tokens.length; i++) out[i] = { ...tokens[i], origin };
  return out;
}

class Parser {
  readonly #stream = new TokenStream();
  readonly #snippets = new Map<string, readonly Token[]>();
  readonly #env: Environment;
  readonly #readFile: (path: string) => string;
  readonly #glob: (pattern: string) => string[];
  readonly #rootPath: string;
  #expansions = 0;
  #importedTokens = 0;

  constructor(
    tokens: readonly Token[],
    private readonly opts: ParseOptions,
  ) {
    this.#stream.push(tokens);
    this.#env = opts.env ?? process.env;
    this.#readFile = opts.readFile ?? ((path) => readFileSync(path, 'utf8'));
    this.#glob = opts.glob ?? globSync;
    this.#rootPath = resolve(opts.filename);
  }

  parseAll(): ServerBlockConfig[] {
    const blocks: ServerBlockConfig[] = [];
    while (this.#stream.peek() !== undefined) {
      const block = this.#entry();
      if (block !== undefined) blocks.push(block);
    }
    return blocks;
  }

  #syntaxError(found: Token | undefined, expected: string): never {
    const at = found ?? this.#stream.last;
    const what = found === undefined ? 'EOF' : `token '${found.text}'`;
    throw new CorefileError(
      at?.file ?? this.opts.filename,
      at?.line ?? 0,
      `Unexpected ${what}, expecting '${expected}'`,
      'syntax',
    );
  }

  /** One entry: a server block or a snippet definition; undefined for a snippet or for imports of nothing. */
  #entry(): ServerBlockConfig | undefined {
    const s = this.#stream;
    const keys: Token[] = [];
    let keyToken: Token | undefined;
    let expectingAnother = false;
    let opened = false;

    for (;;) {
      const t = s.next();
      if (t === undefined) break;
      if (isBare(t, 'import') && s.startsLine()) {
        this.#import(t);
        continue;
      }
      if (isBare(t, '{')) {
        if (expectingAnother) fail(t, "Expected another address but had '{' - check for extra comma");
        if (keys.length === 0) fail(t, "Missing server block key before '{'");
        opened = true;
        break;
      }
      if (isBare(t, '}')) fail(t, "Unexpected '}' because no matching opening brace");
      keyToken = t;
      let text = expandEnv(t.text, this.#env);
      // A trailing comma continues the key list, possibly on the next line.
      expectingAnother = !t.quoted && text.endsWith(',');
      if (expectingAnother) text = text.slice(0, -1);
      if (text !== '') keys.push(text === t.text ? t : { ...t, text });
      const n = s.peek();
      if (n === undefined || (!expectingAnother && !onSameLine(t, n))) break;
    }
    if (expectingAnother) fail(s.last as Token, 'Unexpected EOF');
    if (keys.length === 0) {
      // Keys that all expanded to nothing (an unset variable) would silently drop the
      // block in CoreDNS; here they are an error.
      if (keyToken !== undefined) fail(keyToken, 'Missing server block key');
      return undefined;
    }

    if (!opened && isBare(s.peek(), '{')) {
      s.next();
      opened = true;
    }

    const first = keys[0];
    if (keys.length === 1 && !first.quoted && first.text.startsWith('(') && first.text.endsWith(')')) {
      this.#defineSnippet(first, opened);
      return undefined;
    }
    const addresses = this.#addresses(keys);
    // Without a brace the rest of the input is this block's body (a single-entry Corefile).
    const directives =
      !opened && s.peek() === undefined ? new Map<string, DirectiveTokens>() : this.#directives(opened);
    return { keys: keys.map((k) => k.text), addresses, directives, file: first.file, line: first.line };
  }

  #addresses(keys: readonly Token[]): ServerAddress[] {
    const addresses: ServerAddress[] = [];
    for (const k of keys) {
      for (const a of parseServerKey(k.text, k, this.opts.defaultDnsPort)) addresses.push(a);
    }
    return addresses;
  }

  #defineSnippet(key: Token, opened: boolean): void {
    const s = this.#stream;
    if (!opened) this.#syntaxError(s.peek(), '{');
    const name = key.text.slice(1, -1);
    if (this.#snippets.has(name)) fail(key, `redeclaration of previously declared snippet ${name}`);
    // The body is kept as written; its imports and environment references are
    // resolved where it is imported.
    const body: Token[] = [];
    let depth = 1;
    for (let t = s.next(); t !== undefined; t = s.next()) {
      if (isBare(t, '}') && --depth === 0) {
        this.#snippets.set(name, body);
        return;
      }
      if (isBare(t, '{')) depth++;
      body.push(t);
    }
    this.#syntaxError(undefined, '}');
  }

  #directives(opened: boolean): Map<string, DirectiveTokens> {
    const s = this.#stream;
    const directives = new Map<string, DirectiveTokens>();
    for (;;) {
      const t = s.next();
      if (t === undefined) {
        if (opened) this.#syntaxError(undefined, '}');
        return directives;
      }
      if (isBare(t, '}')) {
        if (opened) return directives;
        fail(t, "Unexpected '}' because no matching opening brace");
      }
      if (isBare(t, '{')) fail(t, "Unexpected '{', expecting a directive");
      if (isBare(t, 'import')) {
        this.#import(t);
        continue;
      }
      this.#directive(t, directives);
    }
  }

  /** Collects one directive occurrence: the rest of its line and any block it opens. */
  #directive(t: Token, into: Map<string, DirectiveTokens>): void {
    const s = this.#stream;
    const name = expandEnv(t.text, this.#env);
    const known = this.opts.knownDirectives;
    if (known !== undefined && !known.has(name)) fail(t, `Unknown directive '${name}'`);
    let entry = into.get(name);
    if (entry === undefined) {
      entry = { name, tokens: [], file: t.file, line: t.line };
      into.set(name, entry);
    }
    const tokens = entry.tokens as Token[];
    tokens.push(name === t.text ? t : { ...t, text: name });

    let nesting = 0;
    let prev = t;
    for (let n = s.peek(); n !== undefined; n = s.peek()) {
      const newLine = !onSameLine(prev, n);
      if (isBare(n, '{')) {
        nesting++;
      } else if (newLine && nesting === 0) {
        return;
      } else if (isBare(n, '}')) {
        if (nesting === 0) fail(n, "Unexpected '}' because no matching opening brace");
        nesting--;
      } else if (newLine && isBare(n, 'import')) {
        s.next();
        this.#import(n);
        prev = s.last as Token;
        continue;
      }
      s.next();
      const text = expandEnv(n.text, this.#env);
      tokens.push(text === n.text ? n : { ...n, text });
      prev = n;
    }
    if (nesting > 0) fail(prev, 'Unexpected EOF');
  }

  /** Handles `import X` (the `import` token just consumed): splices the snippet or files X in. */
  #import(at: Token): void {
    const s = this.#stream;
    const arg = s.peek();
    if (arg === undefined || !onSameLine(at, arg))
      fail(at, "Wrong argument count or unexpected line ending after 'import'");
    s.next();
    const pattern = expandEnv(arg.text, this.#env);
    if (pattern === '') fail(arg, 'Import requires a non-empty filepath');
    const extra = s.peek();
    if (extra !== undefined && onSameLine(arg, extra))
      fail(extra, 'Import takes only one argument (glob pattern or file)');
    if (++this.#expansions > MAX_IMPORT_EXPANSIONS)
      fail(arg, `maximum import expansions (${MAX_IMPORT_EXPANSIONS}) exceeded`);

    const snippet = this.#snippets.get(pattern);
    if (snippet !== undefined) {
      this.#checkCycle(arg, 'snippet', pattern);
      this.#splice(arg, withOrigin(snippet, this.#origin(arg, 'snippet', pattern)));
      return;
    }
    this.#importFiles(arg, pattern);
  }

  #origin(at: Token, kind: ImportOrigin['kind'], name: string): ImportOrigin {
    return { kind, name, file: at.file, line: at.line, parent: at.origin };
  }

  /** Refuses an import of a snippet or file that is already being imported further up. */
  #checkCycle(at: Token, kind: ImportOrigin['kind'], name: string): void {
    const label = (k: ImportOrigin['kind'], n: string) => (k === 'snippet' ? `(${n})` : n);
    let looped = kind === 'file' && name === this.#rootPath;
    const chain = [label(kind, name)];
    for (let o = at.origin; o !== undefined; o = o.parent) {
      chain.push(label(o.kind, o.name));
      if (o.kind === kind && o.name === name) looped = true;
    }
    if (!looped) return;
    chain.push(this.opts.filename);
    fail(at, `import cycle: ${chain.reverse().join(' -> ')}`);
  }

  #splice(at: Token, tokens: Token[]): void {
    this.#importedTokens += tokens.length;
    if (this.#importedTokens > MAX_IMPORTED_TOKENS) {
      fail(at, `imports exceed ${MAX_IMPORTED_TOKENS} tokens`);
    }
    this.#stream.push(tokens);
  }

  #importFiles(at: Token, pattern: string): void {
    // Relative to the file holding the import, not the working directory.
    const globPattern = isAbsolute(pattern) ? pattern : join(dirname(resolve(at.file)), pattern);
    if (
      countOf(globPattern, '*') > 1 ||
      countOf(globPattern, '?') > 1 ||
      (globPattern.includes('[') && globPattern.includes(']'))
    ) {
      // CoreDNS's limit: patterns with many wildcards can take very long to expand.
      fail(at, `Glob pattern may only contain one wildcard (*), but has others: ${globPattern}`);
    }
    let matches: string[];
    try {
      matches = this.#glob(globPattern);
    } catch (e) {
      fail(at, `Failed to use import pattern ${pattern}: ${reason(e)}`);
    }
    if (matches.length === 0) {
      if (!GLOB_CHARS.test(globPattern)) fail(at, `File to import not found: ${pattern}`);
      (this.opts.onWarning ?? ((m) => console.warn(`[WARNING] ${m}`)))(
        `No files matching import glob pattern: ${pattern}`,
      );
      return;
    }
    const imported: Token[] = [];
    for (const match of matches) {
      const path = resolve(match);
      this.#checkCycle(at, 'file', path);
      let text: string;
      try {
        text = this.#readFile(path);
      } catch (e) {
        fail(at, `Could not import ${match}: ${reason(e)}`);
      }
      const origin = this.#origin(at, 'file', path);
      for (const t of tokenize(text, path)) imported.push({ ...t, origin });
    }
    this.#splice(at, imported);
  }
}

/**
 * Parses Corefile text into its server blocks, in order: keys, addresses and each
 * directive's tokens. Snippets are consumed, `import` is resolved (snippets first, then
 * files and globs relative to the importing file), environment references are
 * substituted. Every problem is a CorefileError naming file and line.
 */
export function parseCorefile(text: string, opts: ParseOptions): ServerBlockConfig[] {
  return new Parser(tokenize(text, opts.filename), opts).parseAll();
}

/** Reads and parses the Corefile at `path`; errors name the file as `path` is written. */
export function loadCorefile(path: string, opts: Omit<ParseOptions, 'filename'> = {}): ServerBlockConfig[] {
  const read = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    throw new CorefileError(path, 0, `Could not read ${path}: ${reason(e)}`);
  }
  return parseCorefile(text, { ...opts, filename: path });
}
