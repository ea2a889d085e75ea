/**
 * Runs the Debian DNS tools (Knot's kdig, BIND's dig) against a server and parses what they
 * print, so integration tests can assert on real clients' view of the server.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DEFAULT_HOST, type Target } from './query-message.js';

const toolCache = new Map<string, boolean>();

/** Whether an executable of this name is on PATH (cached; synchronous for `it.skipIf`). */
export function hasTool(name: string): boolean {
  let found = toolCache.get(name);
  if (found === undefined) {
    found = false;
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir === '') continue;
      try {
        accessSync(join(dir, name), constants.X_OK);
        found = true;
        break;
      } catch {
        // not in this directory
      }
    }
    toolCache.set(name, found);
  }
  return found;
}

export interface ToolRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; a non-zero exit is a result, not an error. */
export function runTool(
  program: string,
  args: readonly string[],
  opts: { timeout?: number } = {},
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      { timeout: opts.timeout ?? 20_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          // Not an exit status: the program is missing or was killed by the timeout.
          reject(new Error(`${program} ${args.join(' ')}: ${err.message}\n${stderr}`, { cause: err }));
          return;
        }
        resolve({ exitCode: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** One resource record line of dig/kdig output, split into its fields. */
export interface DigRecord {
  name: string;
  ttl: number;
  class: string;
  type: string;
  /** the rdata as printed, fields separated by single spaces */
  rdata: string;
  /** the line as printed */
  line: string;
}

export interface DigQuestion {
  name: string;
  class: string;
  type: string;
}

export interface DigEdns {
  version: number;
  /** EDNS flags as printed ('do') */
  flags: string[];
  udp: number;
}

/** What dig or kdig printed about the (last) answer it got. */
export interface DigResult extends ToolRun {
  /** 'QUERY', 'NOTIFY', ...; undefined when no answer was printed */
  opcode: string | undefined;
  /** 'NOERROR', 'REFUSED', 'BADVERS', ... */
  status: string | undefined;
  id: number | undefined;
  /** header flags as printed, lowercase ('qr', 'aa', 'tc', 'rd', ...) */
  flags: string[];
  counts: { query: number; answer: number; authority: number; additional: number } | undefined;
  edns: DigEdns | undefined;
  question: DigQuestion[];
  answer: DigRecord[];
  authority: DigRecord[];
  additional: DigRecord[];
  /** transport of the printed answer, from the "SERVER:"/"From" line */
  transport: 'UDP' | 'TCP' | undefined;
  /** the tool saw TC set over UDP and asked again over TCP */
  retriedOverTcp: boolean;
  /** the size of the answer in bytes */
  size: number | undefined;
}

type Section = 'question' | 'answer' | 'authority' | 'additional' | 'other';

const SECTION_HEADER = /^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL|[A-Z ]*PSEUDO)\s*SECTION:/;
const HEADER_LINE = /->>HEADER<<- opcode: ([A-Z0-9]+)[,;] status: ([A-Z0-9]+)[,;] id: (\d+)/;
const FLAGS_LINE =
  /^;; [Ff]lags:([a-z ]*);\s*QUERY: (\d+)[,;]\s*ANSWER: (\d+)[,;]\s*AUTHORITY: (\d+)[,;]\s*ADDITIONAL: (\d+)/;
const DIG_EDNS = /^; EDNS: version: (\d+), flags:([a-z ]*); udp: (\d+)/;
const KDIG_EDNS = /^;; Version: (\d+); flags:([a-z ]*); UDP size: (\d+) B/;
const KDIG_EXT_RCODE = /; ext-rcode: ([A-Z0-9]+)/;
const DIG_SERVER = /^;; SERVER: .*\((UDP|TCP)\)\s*$/;
const KDIG_FROM = /^;; From .*\((UDP|TCP)\) in /;
const DIG_SIZE = /^;; MSG SIZE\s+rcvd: (\d+)/;
const KDIG_SIZE = /^;; Received (\d+) B/;
const WHITESPACE = /\s+/;
const LEADING_SEMICOLONS = /^;+/;
const KDIG_TC_RETRY = /truncated reply.*retrying over TCP/;

function words(text: string): string[] {
  const t = text.trim();
  return t === '' ? [] : t.split(WHITESPACE);
}

function parseRecord(line: string): DigRecord | undefined {
  const f = words(line);
  if (f.length < 4) return undefined;
  const ttl = Number(f[1]);
  if (!Number.isInteger(ttl)) return undefined;
  return { name: f[0], ttl, class: f[2], type: f[3], rdata: f.slice(4).join(' '), line };
}

/** Parses dig's or kdig's default output (both formats are recognised line by line). */
export function parseDigOutput(run: ToolRun): DigResult {
  const result: DigResult = {
    ...run,
    opcode: undefined,
    status: undefined,
    id: undefined,
    flags: [],
    counts: undefined,
    edns: undefined,
    question: [],
    answer: [],
    authority: [],
    additional: [],
    transport: undefined,
    retriedOverTcp:
      run.stdout.includes(';; Truncated, retrying in TCP mode.') || KDIG_TC_RETRY.test(run.stderr),
    size: undefined,
  };
  let section: Section = 'other';
  for (const line of run.stdout.split('\n')) {
    const header = HEADER_LINE.exec(line);
    if (header) {
      // A new answer (after a retry the tool prints the final one): start over.
      result.opcode = header[1];
      result.status = header[2];
      result.id = Number(header[3]);
      result.question = [];
      result.answer = [];
      result.authority = [];
      result.additional = [];
      result.edns = undefined;
      section = 'other';
      continue;
    }
    const flags = FLAGS_LINE.exec(line);
    if (flags) {
      result.flags = words(flags[1]);
      result.counts = {
        query: Number(flags[2]),
        answer: Number(flags[3]),
        authority: Number(flags[4]),
        additional: Number(flags[5]),
      };
      continue;
    }
    const sectionHeader = SECTION_HEADER.exec(line);
    if (sectionHeader) {
      const name = sectionHeader[1];
      section =
        name === 'QUESTION'
          ? 'question'
          : name === 'ANSWER'
            ? 'answer'
            : name === 'AUTHORITY'
              ? 'authority'
              : name === 'ADDITIONAL'
                ? 'additional'
                : 'other';
      continue;
    }
    const edns = DIG_EDNS.exec(line) ?? KDIG_EDNS.exec(line);
    if (edns) {
      result.edns = { version: Number(edns[1]), flags: words(edns[2]), udp: Number(edns[3]) };
      // kdig prints the extended rcode here rather than in the header's status.
      const ext = KDIG_EXT_RCODE.exec(line);
      if (ext && ext[1] !== 'NOERROR' && result.status === 'NOERROR') result.status = ext[1];
      continue;
    }
    const transport = DIG_SERVER.exec(line) ?? KDIG_FROM.exec(line);
    if (transport) {
      result.transport = transport[1] as 'UDP' | 'TCP';
      continue;
    }
    const size = DIG_SIZE.exec(line) ?? KDIG_SIZE.exec(line);
    if (size) {
      result.size = Number(size[1]);
      continue;
    }
    if (line.trim() === '') {
      // Both tools end a section with a blank line.
      section = 'other';
      continue;
    }
    if (section === 'question') {
      const f = words(line.replace(LEADING_SEMICOLONS, ''));
      if (f.length >= 3) result.question.push({ name: f[0], class: f[f.length - 2], type: f[f.length - 1] });
      continue;
    }
    if (section === 'other' || line.startsWith(';')) continue;
    const record = parseRecord(line);
    if (record) result[section].push(record);
  }
  return result;
}

export interface DigOptions {
  /** adds `@host -p port` before the arguments */
  target?: Target;
  /** milliseconds before the tool process is killed; default 20000 */
  timeout?: number;
}

function targetArgs(target: Target | undefined): string[] {
  return target === undefined ? [] : [`@${target.host ?? DEFAULT_HOST}`, '-p', String(target.port)];
}

/**
 * Runs Knot's kdig and parses its output. One try with a 2 s timeout comes first so a dead
 * server fails fast; arguments after it override that.
 */
export async function kdig(args: readonly string[], opts: DigOptions = {}): Promise<DigResult> {
  const run = await runTool('kdig', [...targetArgs(opts.target), '+timeout=2', '+retry=0', ...args], opts);
  return parseDigOutput(run);
}

/**
 * Runs BIND's dig and parses its output. One try with a 2 s timeout comes first so a dead
 * server fails fast; arguments after it override that.
 */
export async function dig(args: readonly string[], opts: DigOptions = {}): Promise<DigResult> {
  const run = await runTool('dig', [...targetArgs(opts.target), '+timeout=2', '+tries=1', ...args], opts);
  return parseDigOutput(run);
}
