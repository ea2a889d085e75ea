/**
 * The command line of `tsdns`, parsed the way CoreDNS's (Go's `flag` package) is: a flag is
 * written with one or two dashes, a value follows after `=` or as the next argument, a
 * boolean flag takes no separate argument (`-quiet`, `-quiet=false`), and parsing stops at
 * the first argument that is not a flag or after `--`.
 */

export interface Flags {
  /** -conf: the Corefile to load; undefined means ./Corefile, or the default Corefile. */
  conf: string | undefined;
  /** -dns.port (alias -p): the port of server blocks whose address has none. */
  port: number;
  /** -pidfile: where to write the process id. */
  pidfile: string | undefined;
  /** -plugins: list the compiled-in plugins and exit. */
  plugins: boolean;
  /** -quiet: no initialization output. */
  quiet: boolean;
  /** -version: print the version and exit. */
  version: boolean;
  /** -help / -h: print the usage and exit 0. */
  help: boolean;
  /** Arguments after the flags (CoreDNS refuses any). */
  rest: string[];
}

/** A command-line mistake; `main` prints it with the usage and exits 2, as Go's flag package does. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export const DEFAULT_PORT = 53;

interface FlagSpec {
  readonly name: string;
  readonly kind: 'string' | 'bool' | 'port';
  readonly key: 'conf' | 'port' | 'pidfile' | 'plugins' | 'quiet' | 'version';
  /** the usage text after the flag's name and type */
  readonly usage: string;
}

// Sorted by name, which is how Go's PrintDefaults lists them.
const SPECS: readonly FlagSpec[] = [
  { name: 'conf', kind: 'string', key: 'conf', usage: 'Corefile to load (default "Corefile")' },
  { name: 'dns.port', kind: 'port', key: 'port', usage: `Default port (default "${DEFAULT_PORT}")` },
  { name: 'p', kind: 'port', key: 'port', usage: `Default port (default "${DEFAULT_PORT}")` },
  { name: 'pidfile', kind: 'string', key: 'pidfile', usage: 'Path to write pid file' },
  { name: 'plugins', kind: 'bool', key: 'plugins', usage: 'List installed plugins' },
  { name: 'quiet', kind: 'bool', key: 'quiet', usage: 'Quiet mode (no initialization output)' },
  { name: 'version', kind: 'bool', key: 'version', usage: 'Show version' },
];
const BY_NAME: ReadonlyMap<string, FlagSpec> = new Map(SPECS.map((s) => [s.name, s]));

/** Go's strconv.ParseBool spellings. */
const BOOLS: ReadonlyMap<string, boolean> = new Map([
  ['1', true],
  ['t', true],
  ['T', true],
  ['true', true],
  ['TRUE', true],
  ['True', true],
  ['0', false],
  ['f', false],
  ['F', false],
  ['false', false],
  ['FALSE', false],
  ['False', false],
]);

// Decimal only; "" and "53abc" are mistakes, not port 0 or 53.
const PORT = /^[0-9]{1,5}$/;

function parsePort(value: string, flag: string): number {
  if (!PORT.test(value) || Number(value) > 65535) {
    throw new FlagError(`invalid value "${value}" for flag -${flag}: not a port number (0-65535)`);
  }
  return Number(value);
}

export function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    conf: undefined,
    port: DEFAULT_PORT,
    pidfile: undefined,
    plugins: false,
    quiet: false,
    version: false,
    help: false,
    rest: [],
  };
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i];
    if (arg.length < 2 || arg[0] !== '-') break;
    let body = arg.slice(1);
    if (body[0] === '-') {
      body = body.slice(1);
      if (body === '') {
        i++; // "--" ends the flags
        break;
      }
    }
    if (body === '' || body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${arg}`);
    i++;
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const inline = eq === -1 ? undefined : body.slice(eq + 1);
    if (name === 'h' || name === 'help') {
      flags.help = true;
      continue;
    }
    const spec = BY_NAME.get(name);
    if (spec === undefined) throw new FlagError(`flag provided but not defined: -${name}`);
    if (spec.kind === 'bool') {
      const value = inline === undefined ? true : BOOLS.get(inline);
      if (value === undefined)
        throw new FlagError(`invalid boolean value "${inline}" for -${name}: parse error`);
      flags[spec.key as 'plugins' | 'quiet' | 'version'] = value;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = argv[i++];
    }
    if (spec.kind === 'port') flags.port = parsePort(value, name);
    else flags[spec.key as 'conf' | 'pidfile'] = value;
  }
  flags.rest = argv.slice(i);
  return flags;
}

/** The usage text, in the shape of Go's flag.PrintDefaults. */
export function usage(program: string): string {
  let out = `Usage of ${program}:\n`;
  for (const spec of SPECS) {
    out += `  -${spec.name}${spec.kind === 'bool' ? '' : ' string'}\n    \t${spec.usage}\n`;
  }
  return out;
}
