/**
 * The master-file reader: RFC 1035 section 5 with everything BIND's loader accepts —
 * `$ORIGIN`, `$TTL`, `$INCLUDE file [origin]`, `$GENERATE`, `$DATE` (read and ignored, as
 * BIND does when loading a zone), `@`, relative names, owner/TTL/class carried forward,
 * TTL and class in either order, BIND's TTL units, `TYPEnnn`/`CLASSnnn` and `\#` rdata.
 * Rdata text is read by wire/presentation (rdataFromText): types without typed rdata there
 * (LOC, RP, URI, ...) are accepted in the RFC 3597 `\#` form only.
 *
 * TTL defaults follow BIND (RFC 2308 with RFC 1035 fallback): a record without a TTL gets
 * the last `$TTL`; before any `$TTL`, the last TTL stated explicitly on a record; before
 * either, an SOA takes its MINIMUM field and that becomes the default for what follows. A
 * record that still has none is an error, unless the caller gave `defaultTtl`. TTLs above
 * 2^31-1 become 0 (RFC 2181 section 8; BIND does the same). Within a run of lines for one
 * owner, a record takes the TTL of the earlier record of its RRset (RFC 2181 section 5.2, as
 * BIND's loader does).
 *
 * `$INCLUDE` paths are relative to the including file's directory (named resolves them
 * against its working directory; the two agree when that is the zone's directory). The
 * included file starts
 * with the includer's origin (or the one given) and current owner; afterwards the includer's
 * origin and owner are back in force, while `$TTL` and TTL state carry over (as in BIND).
 *
 * Records stream: `readZone` reads the file in chunks and yields records one logical line at
 * a time (a `$GENERATE` expands lazily), so memory stays proportional to what the caller
 * keeps. The stream also says where each record begins (file, line, column), for faults
 * that only a consumer can see, such as a CNAME beside other data in a zone.
 */
import { createReadStream, readFileSync, type ReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  MnemonicError,
  classToNumber,
  classToString,
  recordTypeToString,
  typeToNumber,
  typeToString,
} from '../wire/constants.js';
import { NameError, isSubdomain, parseName } from '../wire/name.js';
import { rdataFromText } from '../wire/presentation/rdata-text.js';
import { PresentationError, type TextToken } from '../wire/presentation/token.js';
import { tryParseTtl } from '../wire/presentation/ttl.js';
import type { RecordData, RrsigData, SoaData, TypedRecord, UnknownRecord } from '../wire/types.js';
import { ZoneFileError, quoteForMessage } from './errors.js';
import { GenerateSyntaxError, GenerateTemplate, parseGenerateRange } from './generate.js';
import { ZoneLexer, tokenize } from './lexer.js';

/** A record read from a zone file: typed rdata, or opaque bytes for other types. */
export type ZoneRecord = TypedRecord | UnknownRecord;

export interface ZoneReadOptions {
  /**
   * The origin at the start of the file (normally the zone's name): `@` and relative names
   * are relative to it until `$ORIGIN` changes it. Without it, a relative name before the
   * first `$ORIGIN` is an error.
   */
  origin?: string;
  /** TTL for a record that states none where BIND would reject it (no `$TTL`, no earlier TTL, no SOA). */
  defaultTtl?: number;
  /**
   * The zone's class; a record stating another class is an error. Default: the first class
   * the file states, or IN if the first record states none.
   */
  class?: string;
  /** Reject records whose owner is not `origin` or below it (BIND drops them with a warning). */
  rejectOutOfZone?: boolean;
}

export interface ParseZoneOptions extends ZoneReadOptions {
  /** where the text came from: labels errors and is the base for relative `$INCLUDE` paths */
  file?: string;
}

/** Files read at once before the nesting is called a loop (BIND has no limit but open files). */
export const MAX_INCLUDE_DEPTH = 32;

const CHUNK_SIZE = 1 << 18;
/** Records handed over per batch by the streaming reader. */
const BATCH_SIZE = 1024;
/** TTLs with the top bit set mean zero (RFC 2181 section 8). */
const MAX_TTL = 0x7fffffff;

const DOLLAR = 0x24;
const DOT = 0x2e;
const BACKSLASH = 0x5c;

/** Types that exist only in queries or as message meta-data and so cannot be zone data. */
const META_TYPES: ReadonlySet<number> = new Set([
  41 /* OPT */, 249 /* TKEY */, 250 /* TSIG */, 251, 252, 253, 254, 255,
]);
const SOA = 6;
const RRSIG = 46;
const RUN_LIST_SIZE = 8;

/** Where a `$INCLUDE` named its file, for errors about opening it. */
interface IncludeSite {
  file: string | undefined;
  line: number;
  column: number;
  name: string;
}

/** One file being read (the zone file or an `$INCLUDE`d one). */
interface Source {
  /** label for errors */
  file: string | undefined;
  /** resolved path, for relative `$INCLUDE`s and loop detection */
  path: string | undefined;
  lexer: ZoneLexer;
  origin: string | undefined;
  owner: string | undefined;
  includedAt: IncludeSite | undefined;
  stream: ReadStream | undefined;
  chunks: AsyncIterator<Buffer> | undefined;
}

/**
 * Where something was written, for errors: a token, or the index of a token in the record
 * the source's lexer holds (the hot path makes no token objects).
 */
type At = TextToken | number;

/** Rdata token lists up to this length are reused from record to record. */
const POOLED_RDATA_TOKENS = 8;

/** How sources get their bytes: all at once (parseZone) or as a stream (readZone). */
type Opener = (source: Source) => void;

const NEED_INPUT = Symbol('need input');
const END = Symbol('end');

/** An active `$GENERATE`. */
interface Generation {
  /** the `$GENERATE` keyword: where every record it makes is said to begin */
  at: TextToken;
  value: number;
  stop: number;
  step: number;
  lhs: GenerateTemplate;
  lhsToken: TextToken;
  /** one template per rhs token, or a single one to re-tokenize after expansion (BIND's quoted form) */
  rhs: GenerateTemplate[];
  rhsTokens: TextToken[];
  relex: boolean;
  type: number;
  class: string;
  ttl: number;
  origin: string | undefined;
  source: Source;
}

/**
 * The reader's state machine. `next` is synchronous: it returns a record, END, or NEED_INPUT
 * when the current source's lexer has consumed everything written to it (the async driver
 * then reads the next chunk).
 */
class ZoneParser {
  private readonly sources: Source[] = [];
  private readonly zoneOrigin: string | undefined;
  private zoneClass: string | undefined;
  private ttl = 0;
  private ttlKnown = false;
  private defaultTtl = 0;
  private defaultTtlKnown = false;
  private generation: Generation | undefined;
  /** owner of the current run of lines, and the TTL of each RRset seen in it (see rrsetTtl) */
  private runOwner: string | undefined;
  // A run rarely holds more than a few RRsets: a short list, and a Map beyond RUN_LIST_SIZE
  // so that a hostile run of thousands of types stays linear.
  private readonly runKeys: number[] = [];
  private readonly runTtls: number[] = [];
  private runSize = 0;
  private runMap: Map<number, number> | undefined;
  private readonly classMemo = new Map<string, string | null>();
  /** An origin found inside the zone (see checkInZone). */
  private originInZone: string | undefined;
  /**
   * Token lists for rdata by length, their tokens overwritten for each record: rdata
   * parsers keep no token, so a record's rdata costs no token objects.
   */
  private readonly rdataPool: TextToken[][] = [];

  // Results of `header`, kept in fields so the per-record path allocates no result object.
  private headerClass: string | undefined;
  /** index of the class token in the current record */
  private headerClassIndex = 0;
  private headerTtl = -1;
  private headerType = 0;

  /**
   * Where the record `next` returned last begins: its file's label and the line and column
   * of its first token (the `$GENERATE` keyword for generated records). Fields rather than
   * an object per record, so that a large zone pays three stores for them.
   */
  recordFile: string | undefined;
  recordLine = 0;
  recordColumn = 0;

  constructor(
    private readonly options: ZoneReadOptions,
    private readonly open: Opener,
    rootFile: string | undefined,
    rootPath: string | undefined,
  ) {
    if (options.origin !== undefined) {
      try {
        this.zoneOrigin = parseName(options.origin);
      } catch (err) {
        if (err instanceof NameError)
          throw new ZoneFileError(`bad origin option: ${err.message}`, rootFile, 0, 0);
        throw err;
      }
    }
    if (options.class !== undefined) {
      const cls = this.classOf(options.class);
      if (cls === undefined)
        throw new ZoneFileError(`bad class option ${quoteForMessage(options.class)}`, rootFile, 0, 0);
      this.zoneClass = cls;
    }
    // The drivers give the root source its input; the opener serves $INCLUDEs.
    this.sources.push(newSource(rootFile, rootPath, this.zoneOrigin, undefined, undefined));
  }

  /** The source whose lexer wants input after `next` returned NEED_INPUT. */
  get current(): Source {
    return this.sources[this.sources.length - 1];
  }

  next(): ZoneRecord | typeof NEED_INPUT | typeof END {
    for (;;) {
      if (this.generation !== undefined) {
        const record = this.generateNext(this.generation);
        if (record !== undefined) return record;
        this.generation = undefined;
      }
      const source = this.sources[this.sources.length - 1];
      if (source === undefined) return END;
      if (!source.lexer.advance()) {
        if (!source.lexer.done) return NEED_INPUT;
        source.stream?.destroy();
        this.sources.pop();
        this.runOwner = undefined;
        continue;
      }
      const record = this.record(source);
      if (record !== undefined) return record;
    }
  }

  /** Releases open files (after an error or when the consumer stops early). */
  close(): void {
    for (const source of this.sources) source.stream?.destroy();
    this.sources.length = 0;
  }

  /** The record in `source`'s lexer (one `advance` made it current), or undefined for a directive. */
  private record(source: Source): ZoneRecord | undefined {
    const lexer = source.lexer;
    this.recordFile = source.file;
    this.recordLine = lexer.lineAt(0);
    this.recordColumn = lexer.columnAt(0);
    let i = 0;
    let owner: string;
    if (lexer.omitsOwner) {
      if (source.owner === undefined) {
        throw this.fail(
          source,
          0,
          'no owner name: the line begins with whitespace, which means "same owner as the record before", but there is none',
        );
      }
      owner = source.owner;
    } else {
      const first = lexer.textAt(0);
      if (!lexer.quotedAt(0) && first.charCodeAt(0) === DOLLAR) {
        this.directive(currentTokens(lexer), source);
        return undefined;
      }
      owner = this.name(first, 0, source.origin, source, 'owner name');
      this.checkInZone(owner, source, 0, !isAbsoluteName(first), source.origin);
      source.owner = owner;
      i = 1;
    }

    const typeIndex = this.header(source, i);
    const cls = this.recordClass(source);
    const type = recordTypeToString(this.headerType);
    const rdataTokens = this.rdataTokens(lexer, typeIndex + 1);
    const data = this.rdata(this.headerType, rdataTokens, source.origin, source, typeIndex, undefined);

    const explicitTtl = this.headerTtl >= 0;
    if (explicitTtl) {
      this.ttl = this.headerTtl;
      this.ttlKnown = true;
    }
    let ttl = this.ttl;
    if (!this.ttlKnown && !this.defaultTtlKnown) {
      if (this.headerType === SOA) {
        // BIND: with no TTL known, the SOA's MINIMUM serves and becomes the default.
        this.ttl = limitTtl((data as SoaData).minimum);
        this.defaultTtl = this.ttl;
        this.defaultTtlKnown = true;
        ttl = this.ttl;
      } else if (this.options.defaultTtl !== undefined) {
        ttl = this.options.defaultTtl;
      } else {
        throw this.fail(
          source,
          typeIndex,
          'no TTL: expected a TTL on this record, a $TTL before it, or an earlier record with a TTL',
        );
      }
    } else if (!explicitTtl && this.defaultTtlKnown) {
      this.ttl = this.defaultTtl;
      ttl = this.ttl;
    }
    return {
      name: owner,
      type,
      class: cls,
      ttl: this.rrsetTtl(owner, this.headerType, data, ttl),
      data,
    } as ZoneRecord;
  }

  /**
   * RFC 2181 section 5.2: the records of an RRset share one TTL. Like BIND, a record whose
   * TTL differs from an earlier record of the same RRset in the same run of lines for one
   * owner (case-sensitively equal, no $INCLUDE in between) takes the earlier TTL, which also
   * becomes the "last TTL" for what follows. RRSIGs form one set per covered type.
   */
  private rrsetTtl(owner: string, type: number, data: RecordData, ttl: number): number {
    if (owner !== this.runOwner) {
      this.runOwner = owner;
      this.runSize = 0;
      this.runMap = undefined;
    }
    const key = type === RRSIG ? type + typeNumber((data as RrsigData).typeCovered) * 0x10000 : type;
    let prior: number | undefined;
    if (this.runMap !== undefined) {
      prior = this.runMap.get(key);
    } else {
      for (let i = 0; i < this.runSize; i++) {
        if (this.runKeys[i] === key) {
          prior = this.runTtls[i];
          break;
        }
      }
    }
    if (prior === undefined) {
      if (this.runMap !== undefined) {
        this.runMap.set(key, ttl);
      } else if (this.runSize < RUN_LIST_SIZE) {
        this.runKeys[this.runSize] = key;
        this.runTtls[this.runSize++] = ttl;
      } else {
        this.runMap = new Map();
        for (let i = 0; i < this.runSize; i++) this.runMap.set(this.runKeys[i], this.runTtls[i]);
        this.runMap.set(key, ttl);
      }
      return ttl;
    }
    if (prior !== ttl) this.ttl = prior;
    return prior;
  }

  /**
   * Reads `[class] [TTL] [class] type` starting at token `start` of the current record of
   * `source` into headerClass, headerTtl (-1 when absent) and headerType, and returns the
   * index of the type token.
   */
  private header(source: Source, start: number): number {
    const lexer = source.lexer;
    const n = lexer.count;
    let i = start;
    let cls: string | undefined;
    let clsIndex = 0;
    let ttl = -1;
    if (i < n && !lexer.quotedAt(i)) {
      cls = this.classOf(lexer.textAt(i));
      if (cls !== undefined) clsIndex = i++;
    }
    if (i < n && !lexer.quotedAt(i) && isDigit(lexer.textAt(i).charCodeAt(0))) {
      const text = lexer.textAt(i);
      const value = tryParseTtl(text);
      if (typeof value === 'string') throw this.fail(source, i, `bad TTL ${quoteForMessage(text)}: ${value}`);
      ttl = limitTtl(value);
      i++;
    }
    if (cls === undefined && i < n && !lexer.quotedAt(i)) {
      cls = this.classOf(lexer.textAt(i));
      if (cls !== undefined) clsIndex = i++;
    }
    if (i >= n) {
      throw this.failAfter(
        source,
        n - 1,
        `expected ${expectedHeader(cls, ttl)}, found the end of the record`,
      );
    }
    const text = lexer.textAt(i);
    const quoted = lexer.quotedAt(i);
    const type = quoted ? -1 : typeNumber(text);
    if (type < 0) {
      const found = quoted ? `a quoted string "${text}"` : quoteForMessage(text);
      throw this.fail(source, i, `expected ${expectedHeader(cls, ttl)}, found ${found}`);
    }
    if (META_TYPES.has(type)) {
      throw this.fail(
        source,
        i,
        `type ${typeToString(type)} is a query or meta type and cannot appear in a zone file`,
      );
    }
    this.headerClass = cls;
    this.headerClassIndex = clsIndex;
    this.headerTtl = ttl;
    this.headerType = type;
    return i;
  }

  /** Tokens `from` to the end of the lexer's current record, in a list of the pool's. */
  private rdataTokens(lexer: ZoneLexer, from: number): TextToken[] {
    const k = lexer.count - from;
    let tokens = this.rdataPool[k];
    if (tokens === undefined) {
      tokens = [];
      for (let j = 0; j < k; j++) tokens.push({ text: '', quoted: false, line: 0, column: 0 });
      if (k <= POOLED_RDATA_TOKENS) this.rdataPool[k] = tokens;
    }
    for (let j = 0; j < k; j++) {
      const t = tokens[j];
      t.text = lexer.textAt(from + j);
      t.quoted = lexer.quotedAt(from + j);
      t.line = lexer.lineAt(from + j);
      t.column = lexer.columnAt(from + j);
    }
    return tokens;
  }

  /** The class a record gets: the zone's, which the first explicit class fixes when the caller gave none. */
  private recordClass(source: Source): string {
    const stated = this.headerClass;
    if (stated === undefined) {
      this.zoneClass ??= 'IN';
      return this.zoneClass;
    }
    this.zoneClass ??= stated;
    if (stated !== this.zoneClass) {
      throw this.fail(
        source,
        this.headerClassIndex,
        `class ${stated} differs from the zone's class ${this.zoneClass}`,
      );
    }
    return stated;
  }

  private classOf(text: string): string | undefined {
    if (isDigit(text.charCodeAt(0))) return undefined;
    let cls = this.classMemo.get(text);
    if (cls === undefined) {
      try {
        cls = classToString(classToNumber(text));
      } catch (err) {
        if (!(err instanceof MnemonicError)) throw err;
        cls = null;
      }
      // Bounded: hostile input could otherwise grow it without end.
      if (this.classMemo.size < 256) this.classMemo.set(text, cls);
    }
    return cls ?? undefined;
  }

  private rdata(
    type: number,
    tokens: TextToken[],
    origin: string | undefined,
    source: Source,
    /** the type token: errors about missing rdata point just past it */
    typeAt: At,
    context: string | undefined,
  ): RecordData {
    const mnemonic = typeToString(type);
    try {
      // Without an origin, '' makes parseName refuse every relative name.
      return rdataFromText(mnemonic, tokens, origin ?? '');
    } catch (err) {
      if (!isRdataError(err)) throw err;
      const index = err instanceof PresentationError ? err.token : undefined;
      const at = index !== undefined ? tokens[index] : undefined;
      const prefix = context === undefined ? '' : `${context}: `;
      if (origin === undefined && parsesWithRootOrigin(mnemonic, tokens)) {
        const what = at === undefined ? 'a relative name' : `relative name ${quoteForMessage(at.text)}`;
        throw this.fail(
          source,
          at ?? typeAt,
          `${prefix}${what} but no origin: set $ORIGIN or the origin option`,
        );
      }
      const reason = `${prefix}bad ${typeToString(type)} rdata: ${err.message}`;
      if (at !== undefined) throw this.fail(source, at, reason);
      throw this.failAfter(source, tokens.length > 0 ? tokens[tokens.length - 1] : typeAt, reason);
    }
  }

  private directive(tokens: TextToken[], source: Source): void {
    const keyword = tokens[0];
    switch (keyword.text.toUpperCase()) {
      case '$ORIGIN': {
        const arg = this.argument(tokens, 1, source, 'a domain name after $ORIGIN');
        source.origin = this.name(arg.text, arg, source.origin, source, '$ORIGIN name');
        this.expectEnd(tokens, 2, source, '$ORIGIN');
        return;
      }
      case '$TTL': {
        const arg = this.argument(tokens, 1, source, 'a TTL after $TTL');
        const value = tryParseTtl(arg.text);
        if (typeof value === 'string')
          throw this.fail(source, arg, `bad TTL ${quoteForMessage(arg.text)}: ${value}`);
        this.expectEnd(tokens, 2, source, '$TTL');
        this.ttl = limitTtl(value);
        this.defaultTtl = this.ttl;
        this.defaultTtlKnown = true;
        return;
      }
      case '$INCLUDE':
        this.include(tokens, source);
        return;
      case '$GENERATE':
        this.generate(tokens, source);
        return;
      case '$DATE': {
        // BIND reads $DATE (the time a cache dump was written) and uses it only to age cache TTLs.
        const arg = this.argument(tokens, 1, source, 'a time YYYYMMDDHHMMSS after $DATE');
        if (!/^\d{14}$/.test(arg.text))
          throw this.fail(
            source,
            arg,
            `expected a time YYYYMMDDHHMMSS after $DATE, found ${quoteForMessage(arg.text)}`,
          );
        this.expectEnd(tokens, 2, source, '$DATE');
        return;
      }
      default:
        throw this.fail(
          source,
          keyword,
          `unknown directive ${quoteForMessage(keyword.text)}: expected $ORIGIN, $TTL, $INCLUDE or $GENERATE`,
        );
    }
  }

  private include(tokens: TextToken[], source: Source): void {
    const fileToken = tokens[1];
    if (fileToken === undefined)
      throw this.failAfter(source, tokens[0], 'expected a file name after $INCLUDE');
    let origin = source.origin;
    if (tokens.length > 2) {
      const arg = this.argument(tokens, 2, source, 'an origin');
      origin = this.name(arg.text, arg, source.origin, source, '$INCLUDE origin');
    }
    this.expectEnd(tokens, 3, source, '$INCLUDE');
    const path = resolve(source.path === undefined ? process.cwd() : dirname(source.path), fileToken.text);
    if (this.sources.some((s) => s.path === path)) {
      throw this.fail(
        source,
        fileToken,
        `$INCLUDE loop: ${quoteForMessage(fileToken.text)} is already being read`,
      );
    }
    if (this.sources.length >= MAX_INCLUDE_DEPTH) {
      throw this.fail(source, fileToken, `$INCLUDE nested more than ${MAX_INCLUDE_DEPTH} deep`);
    }
    const site: IncludeSite = {
      file: source.file,
      line: fileToken.line ?? 0,
      column: fileToken.column ?? 0,
      name: fileToken.text,
    };
    this.runOwner = undefined;
    const included = newSource(path, path, origin, source.owner, site);
    this.sources.push(included);
    this.open(included);
  }

  private generate(tokens: TextToken[], source: Source): void {
    const rangeToken = this.argument(tokens, 1, source, 'a range start-stop[/step] after $GENERATE');
    const lhsToken = this.argument(tokens, 2, source, 'an owner name template after the $GENERATE range');
    const range = this.generateSyntax(source, rangeToken, () => parseGenerateRange(rangeToken.text));
    const lhs = this.generateSyntax(source, lhsToken, () => GenerateTemplate.compile(lhsToken.text));
    const typeIndex = this.header(source, 3);
    const rhsTokens = tokens.slice(typeIndex + 1);
    if (rhsTokens.length === 0)
      throw this.failAfter(
        source,
        tokens[typeIndex],
        'expected the $GENERATE rdata template, found the end of the line',
      );
    // BIND's form is one token; a quoted one is read again as rdata text after expansion,
    // with \" unescaped as BIND's lexer does. Several tokens (an extension BIND rejects, as
    // CoreDNS accepts them) are expanded one by one.
    const relex = rhsTokens.length === 1 && rhsTokens[0].quoted;
    const rhs = rhsTokens.map((t) =>
      this.generateSyntax(source, t, () => GenerateTemplate.compile(relex ? unescapeQuotes(t.text) : t.text)),
    );

    const cls = this.recordClass(source);
    if (this.headerTtl >= 0) {
      this.ttl = this.headerTtl;
      this.ttlKnown = true;
    }
    let ttl = this.ttl;
    if (!this.ttlKnown && !this.defaultTtlKnown) {
      if (this.options.defaultTtl === undefined) {
        throw this.fail(
          source,
          tokens[typeIndex],
          'no TTL: expected a TTL on this $GENERATE or a $TTL before it',
        );
      }
      ttl = this.options.defaultTtl;
    } else if (this.headerTtl < 0 && this.defaultTtlKnown) {
      this.ttl = this.defaultTtl;
      ttl = this.ttl;
    }
    this.generation = {
      at: tokens[0],
      value: range.start,
      stop: range.stop,
      step: range.step,
      lhs,
      lhsToken,
      rhs,
      rhsTokens,
      relex,
      type: this.headerType,
      class: cls,
      ttl,
      origin: source.origin,
      source,
    };
  }

  private generateNext(g: Generation): ZoneRecord | undefined {
    if (g.value > g.stop) return undefined;
    const value = g.value;
    g.value += g.step;
    this.recordFile = g.source.file;
    this.recordLine = g.at.line ?? 0;
    this.recordColumn = g.at.column ?? 0;
    const context = `$GENERATE iteration ${value}`;
    const ownerText = this.generateSyntax(g.source, g.lhsToken, () => g.lhs.expand(value));
    const owner = this.name(ownerText, g.lhsToken, g.origin, g.source, `${context}: owner name`);
    this.checkInZone(owner, g.source, g.lhsToken, !isAbsoluteName(ownerText), g.origin);
    let tokens: TextToken[];
    if (g.relex) {
      const at = g.rhsTokens[0];
      const text = this.generateSyntax(g.source, at, () => g.rhs[0].expand(value));
      let lines: TextToken[][];
      try {
        lines = tokenize(text);
      } catch (err) {
        if (err instanceof ZoneFileError) throw this.fail(g.source, at, `${context}: ${err.reason}`);
        throw err;
      }
      // Errors point at the template token, not into the expanded text.
      tokens =
        lines.length === 0
          ? []
          : lines.flat().map((t) => ({ text: t.text, quoted: t.quoted, line: at.line, column: at.column }));
    } else {
      tokens = g.rhsTokens.map((t, k) => ({
        ...t,
        text: this.generateSyntax(g.source, t, () => g.rhs[k].expand(value)),
      }));
    }
    const data = this.rdata(g.type, tokens, g.origin, g.source, g.rhsTokens[0], context);
    return { name: owner, type: recordTypeToString(g.type), class: g.class, ttl: g.ttl, data } as ZoneRecord;
  }

  private generateSyntax<T>(source: Source, at: TextToken, f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (err instanceof GenerateSyntaxError) throw this.fail(source, at, `bad $GENERATE: ${err.message}`);
      throw err;
    }
  }

  /** Parses name `text` (written at `at`) relative to `origin`, refusing relative names when there is none. */
  private name(text: string, at: At, origin: string | undefined, source: Source, what: string): string {
    if (origin === undefined && !isAbsoluteName(text)) {
      throw this.fail(
        source,
        at,
        `relative ${what} ${quoteForMessage(text)} but no origin: set $ORIGIN or the origin option`,
      );
    }
    try {
      return parseName(text, origin);
    } catch (err) {
      if (err instanceof NameError)
        throw this.fail(source, at, `bad ${what} ${quoteForMessage(text)}: ${err.message}`);
      throw err;
    }
  }

  /**
   * Refuses `owner` when it lies outside the zone and the options ask for that. `relative`:
   * the owner was written relative to `origin`, so it lies below it; once an origin has
   * been found inside the zone, its relative names need no check of their own.
   */
  private checkInZone(
    owner: string,
    source: Source,
    at: At,
    relative: boolean,
    origin: string | undefined,
  ): void {
    const zone = this.zoneOrigin;
    if (!this.options.rejectOutOfZone || zone === undefined) return;
    if (relative && origin !== undefined && origin === this.originInZone) return;
    if (!isSubdomain(owner, zone)) {
      throw this.fail(source, at, `owner ${owner} is outside the zone ${zone}`);
    }
    if (relative && origin !== undefined && isSubdomain(origin, zone)) this.originInZone = origin;
  }

  /** tokens[i], which must exist and not be quoted. */
  private argument(tokens: TextToken[], i: number, source: Source, what: string): TextToken {
    const token = tokens[i];
    if (token === undefined)
      throw this.failAfter(source, tokens[i - 1], `expected ${what}, found the end of the line`);
    if (token.quoted)
      throw this.fail(source, token, `expected ${what}, found a quoted string "${token.text}"`);
    return token;
  }

  private expectEnd(tokens: TextToken[], i: number, source: Source, directive: string): void {
    if (i < tokens.length) {
      throw this.fail(
        source,
        tokens[i],
        `expected the end of the line after ${directive}, found ${quoteForMessage(tokens[i].text)}`,
      );
    }
  }

  private fail(source: Source, at: At, reason: string): ZoneFileError {
    const token = typeof at === 'number' ? source.lexer.tokenAt(at) : at;
    return new ZoneFileError(reason, source.file, token.line ?? 0, token.column ?? 0);
  }

  /** An error about something missing after `at` (the column just past it). */
  private failAfter(source: Source, at: At, reason: string): ZoneFileError {
    const last = typeof at === 'number' ? source.lexer.tokenAt(at) : at;
    const width = last.text.length + (last.quoted ? 2 : 0);
    return new ZoneFileError(reason, source.file, last.line ?? 0, (last.column ?? 0) + width);
  }
}

/** The tokens of the lexer's current record as new objects (for directives, which keep some). */
function currentTokens(lexer: ZoneLexer): TextToken[] {
  const tokens: TextToken[] = [];
  for (let i = 0; i < lexer.count; i++) tokens.push(lexer.tokenAt(i));
  return tokens;
}

function isRdataError(err: unknown): err is PresentationError | NameError | MnemonicError {
  return err instanceof PresentationError || err instanceof NameError || err instanceof MnemonicError;
}

/** Whether rdata that failed without an origin parses with one: then a relative name was the problem. */
function parsesWithRootOrigin(type: string, tokens: TextToken[]): boolean {
  try {
    rdataFromText(type, tokens, '.');
    return true;
  } catch (err) {
    if (isRdataError(err)) return false;
    throw err;
  }
}

function newSource(
  file: string | undefined,
  path: string | undefined,
  origin: string | undefined,
  owner: string | undefined,
  includedAt: IncludeSite | undefined,
): Source {
  return {
    file,
    path,
    lexer: new ZoneLexer(file),
    origin,
    owner,
    includedAt,
    stream: undefined,
    chunks: undefined,
  };
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Whether name text ends with an unescaped dot (or is '.'). */
function isAbsoluteName(text: string): boolean {
  if (text.charCodeAt(text.length - 1) !== DOT) return false;
  let backslashes = 0;
  for (let j = text.length - 2; j >= 0 && text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
  return (backslashes & 1) === 0;
}

/** Type number for a mnemonic or TYPEnnn, or -1. */
function typeNumber(text: string): number {
  try {
    return typeToNumber(text);
  } catch (err) {
    if (err instanceof MnemonicError) return -1;
    throw err;
  }
}

function limitTtl(ttl: number): number {
  return ttl > MAX_TTL ? 0 : ttl;
}

function expectedHeader(cls: string | undefined, ttl: number): string {
  if (cls === undefined && ttl < 0) return 'a TTL, class or type';
  if (cls === undefined) return 'a class or type';
  if (ttl < 0) return 'a TTL or type';
  return 'a type';
}

/** `\"` to `"`, other escapes untouched: what BIND's lexer does inside a quoted string. */
function unescapeQuotes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      out += text[i + 1] === '"' ? '"' : c + text[i + 1];
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function systemErrorCode(err: unknown): string | undefined {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string'
    ? (err as NodeJS.ErrnoException).code
    : undefined;
}

/** A ZoneFileError for a source that cannot be read. */
function readError(source: Source, err: unknown): ZoneFileError | undefined {
  const code = systemErrorCode(err);
  if (code === undefined) return undefined;
  const site = source.includedAt;
  if (site === undefined) {
    return new ZoneFileError(
      code === 'ENOENT' ? 'zone file not found' : `cannot read the zone file: ${(err as Error).message}`,
      source.file,
      0,
      0,
    );
  }
  const reason =
    code === 'ENOENT'
      ? `$INCLUDE file ${quoteForMessage(site.name)} not found`
      : `$INCLUDE file ${quoteForMessage(site.name)} cannot be read: ${(err as Error).message}`;
  return new ZoneFileError(reason, site.file, site.line, site.column);
}

// ---- synchronous: text in memory, $INCLUDEs read whole ----

function readWhole(source: Source): void {
  if (source.path === undefined) return;
  let bytes: Buffer;
  try {
    bytes = readFileSync(source.path);
  } catch (err) {
    throw readError(source, err) ?? err;
  }
  source.lexer.write(bytes);
  source.lexer.end();
}

/**
 * Reads zone text held in memory and returns its records. `$INCLUDE`d files are read
 * synchronously, relative to `options.file`'s directory (else the working directory).
 */
export function parseZone(text: string, options: ParseZoneOptions = {}): ZoneRecord[] {
  const path = options.file === undefined ? undefined : resolve(options.file);
  const parser = new ZoneParser(options, readWhole, options.file, path);
  const root = parser.current;
  root.lexer.write(Buffer.from(text, 'utf8'));
  root.lexer.end();
  const records: ZoneRecord[] = [];
  for (;;) {
    const out = parser.next();
    if (out === END) return records;
    if (out === NEED_INPUT) throw new Error('parseZone: a source ran dry'); // unreachable: sources are read whole
    records.push(out);
  }
}

// ---- streaming: files read in chunks ----

function openStream(source: Source): void {
  if (source.path === undefined) return;
  const stream = createReadStream(source.path, { highWaterMark: CHUNK_SIZE });
  source.stream = stream;
  source.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
}

async function feed(source: Source): Promise<void> {
  let result: IteratorResult<Buffer>;
  try {
    result = await source.chunks!.next();
  } catch (err) {
    throw readError(source, err) ?? err;
  }
  if (result.done) source.lexer.end();
  else source.lexer.write(result.value);
}

/**
 * Records read in one go and where each begins, in parallel arrays: a position costs three
 * stores, not an object per record. Line and column are 1-based (0 when unknown); doubles,
 * so no line number of any file wraps. The first `length` entries are the batch's: the
 * arrays are reused from batch to batch (growing a fresh pair of arrays to a thousand
 * entries for every batch made a tenth of a large load's garbage).
 */
export class RecordBatch {
  readonly records: ZoneRecord[] = [];
  readonly files: (string | undefined)[] = [];
  readonly lines = new Float64Array(BATCH_SIZE);
  readonly columns = new Float64Array(BATCH_SIZE);
  length = 0;

  add(record: ZoneRecord, file: string | undefined, line: number, column: number): void {
    const i = this.length++;
    this.records[i] = record;
    this.files[i] = file;
    this.lines[i] = line;
    this.columns[i] = column;
  }
}

/** Reads records into `batch` until it is full, the source needs input, or all is read. */
function fill(parser: ZoneParser, batch: RecordBatch): typeof NEED_INPUT | typeof END | undefined {
  while (batch.length < BATCH_SIZE) {
    const out = parser.next();
    if (out === END || out === NEED_INPUT) return out;
    batch.add(out, parser.recordFile, parser.recordLine, parser.recordColumn);
  }
  return undefined;
}

/**
 * The records of a zone file in batches, read in chunks (a batch ends where a chunk runs
 * out, so records reach the consumer before the next read). A batch is never empty. Every
 * batch is the same object, refilled: take what you need from it before asking for the next.
 */
export async function* readZoneBatches(
  path: string,
  options: ZoneReadOptions = {},
): AsyncGenerator<RecordBatch, void, undefined> {
  const parser = new ZoneParser(options, openStream, path, resolve(path));
  openStream(parser.current);
  const batch = new RecordBatch();
  try {
    for (;;) {
      batch.length = 0;
      let out: ReturnType<typeof fill>;
      try {
        out = fill(parser, batch);
      } catch (err) {
        // The records before the fault go first, so a consumer meets problems in file order
        // (a zone-level fault on an earlier line is reported before bad text on a later one).
        if (batch.length > 0) yield batch;
        throw err;
      }
      if (batch.length > 0) yield batch;
      if (out === END) return;
      if (out === NEED_INPUT) await feed(parser.current);
    }
  } finally {
    parser.close();
  }
}

/**
 * A stream of records (see readZone) that also says where the record last returned
 * begins, for errors found after reading: a record outside the zone, a CNAME beside other
 * data. `file` is the label of the file it came from (an `$INCLUDE`d one, for records read
 * there); `line` and `column` are 1-based, 0 before the first record.
 */
export interface ZoneRecordStream extends AsyncIterableIterator<ZoneRecord> {
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
}

/**
 * An async iterator over batches, one record at a time. Hand-written rather than an async
 * generator because `yield` in one costs several promise turns per record; here a record
 * already read costs one resolved promise.
 */
class RecordIterator implements ZoneRecordStream {
  private batch: RecordBatch | undefined;
  private index = 0;
  // The position of the record returned last, copied: the batch is refilled in place.
  file: string | undefined;
  line = 0;
  column = 0;

  constructor(private readonly batches: AsyncGenerator<RecordBatch, void, undefined>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ZoneRecord>> {
    const batch = this.batch;
    if (batch !== undefined && this.index < batch.length)
      return Promise.resolve({ value: this.take(batch), done: false });
    return this.refill();
  }

  private take(batch: RecordBatch): ZoneRecord {
    const i = this.index++;
    this.file = batch.files[i];
    this.line = batch.lines[i];
    this.column = batch.columns[i];
    return batch.records[i];
  }

  private async refill(): Promise<IteratorResult<ZoneRecord>> {
    this.batch = undefined;
    const result = await this.batches.next();
    if (result.done) return { value: undefined, done: true };
    // batches are never empty
    this.batch = result.value;
    this.index = 0;
    return { value: this.take(result.value), done: false };
  }

  async return(): Promise<IteratorResult<ZoneRecord>> {
    this.batch = undefined;
    await this.batches.return(undefined);
    return { value: undefined, done: true };
  }
}

/**
 * Streams the records of a zone file. The file and its `$INCLUDE`s are read in chunks;
 * memory use does not grow with the file. Throws ZoneFileError for any problem in the text
 * or a file that cannot be read. Stopping early (break) closes the files.
 */
export function readZone(path: string, options: ZoneReadOptions = {}): ZoneRecordStream {
  return new RecordIterator(readZoneBatches(path, options));
}

/** Reads a whole zone file into an array (streaming underneath, without per-record awaits). */
export async function loadZoneFile(path: string, options: ZoneReadOptions = {}): Promise<ZoneRecord[]> {
  const records: ZoneRecord[] = [];
  for await (const batch of readZoneBatches(path, options)) {
    for (let i = 0; i < batch.length; i++) records.push(batch.records[i]);
  }
  return records;
}
