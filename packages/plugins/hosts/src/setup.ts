import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CorefileError,
  DurationError,
  Fallthrough,
  parseFallthrough,
  parseGoDuration,
  zonesOf,
  type Controller,
  type Dispenser,
} from '@tsdns/core';
import { HostsSource, parseHostsText } from './hostsfile.js';

/** The hosts file read when the directive names none. */
export const DEFAULT_HOSTS_FILE = '/etc/hosts';
/** TTL of the generated records unless `ttl` says otherwise (CoreDNS's). */
export const DEFAULT_TTL = 3600;
/** How often the file is checked for changes unless `reload` says otherwise (CoreDNS's). */
export const DEFAULT_RELOAD_MS = 5000;
/** CoreDNS's bounds for `ttl`. */
const MAX_TTL = 65535;

export interface HostsConfig {
  /** The hosts file, absolute (a relative FILE is taken relative to `root`). */
  readonly path: string;
  /** Names outside these zones are not loaded; queries outside them go to the next plugin. */
  readonly origins: readonly string[];
  readonly ttl: number;
  /** Whether PTR records are generated (false with `no_reverse`). */
  readonly autoReverse: boolean;
  /** Milliseconds between checks of the file; 0 disables reloading. */
  readonly reloadMs: number;
  readonly fallthrough: Fallthrough;
  /** `fallthrough_unsupported`: types other than A, AAAA and PTR fall through too. */
  readonly fallthroughUnsupported: boolean;
  /** The inline entries of the block, already parsed; undefined when there are none. */
  readonly inline: HostsSource | undefined;
}

/** What parseHosts needs of the Controller: its token walker, the block's zones and `root`. */
export type HostsSetupContext = Dispenser &
  Pick<Controller, 'zones'> & { readonly config: Pick<Controller['config'], 'root'> };

interface InlineLine {
  readonly text: string;
  readonly file: string;
  readonly line: number;
}

const ATOI = /^[+-]?\d+$/;

/** Parses a whole number the way Go's strconv.Atoi does (optional sign, decimal digits). */
function parseAtoi(text: string): number | undefined {
  return ATOI.test(text) ? Number(text) : undefined;
}

function parseOrigins(c: HostsSetupContext, args: readonly string[]): string[] {
  if (args.length === 0) return [...c.zones];
  const origins: string[] = [];
  for (const arg of args) {
    const zones = zonesOf(arg);
    if (zones.length === 0) throw c.err(`invalid zone '${arg}'`);
    origins.push(...zones);
  }
  return origins;
}

/**
 * CoreDNS checks an explicitly named file at setup: a file that does not exist (yet) or a
 * directory is only worth a warning (the reload loop may find it later), but a path that
 * cannot even be examined is a configuration error.
 */
function checkPath(c: HostsSetupContext, path: string): void {
  try {
    statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw c.err(`unable to access hosts file '${path}': ${(e as Error).message}`);
  }
}

function parseInline(
  lines: readonly InlineLine[],
  origins: readonly string[],
  autoReverse: boolean,
): HostsSource {
  const source = new HostsSource();
  const options = { origins, autoReverse };
  for (const l of lines) {
    parseHostsText(
      l.text,
      options,
      (p) => {
        // In a Corefile a line that does not start with an address is almost always a
        // misspelt option; CoreDNS ignores it silently, which hides the mistake.
        const detail = p.notAnAddress !== undefined ? `unknown property '${p.notAnAddress}'` : p.message;
        throw new CorefileError(l.file, l.line, detail);
      },
      source,
    );
  }
  return source;
}

/**
 * Reads the `hosts` directive (example 4-11 of the book and current CoreDNS):
 *
 *     hosts [FILE [ZONES...]] {
 *         [INLINE]
 *         ttl SECONDS
 *         no_reverse
 *         reload DURATION
 *         fallthrough [ZONES...]
 *         fallthrough_unsupported
 *     }
 *
 * Every line of the block that is not an option is an inline hosts entry; as in CoreDNS,
 * entries must come before `fallthrough`. Throws CorefileError (file:line) for bad input.
 */
export function parseHosts(c: HostsSetupContext): HostsConfig {
  let path = DEFAULT_HOSTS_FILE;
  let origins: string[] = [...c.zones];
  let ttl = DEFAULT_TTL;
  let autoReverse = true;
  let reloadMs = DEFAULT_RELOAD_MS;
  let fallthrough = Fallthrough.none;
  let fallthroughSeen = false;
  let fallthroughUnsupported = false;
  const inline: InlineLine[] = [];

  while (c.next()) {
    const args = c.remainingArgs();
    if (args.length >= 1) {
      path = resolve(c.config.root, args[0]);
      checkPath(c, path);
    }
    origins = parseOrigins(c, args.slice(1));

    while (c.nextBlock()) {
      const option = c.val();
      switch (option) {
        case 'ttl': {
          const t = c.remainingArgs();
          if (t.length !== 1) throw c.err('ttl needs a time in second');
          const n = parseAtoi(t[0]);
          if (n === undefined) throw c.err('ttl needs a number of second');
          if (n <= 0 || n > MAX_TTL) throw c.err(`ttl provided is invalid: ${t[0]} (1 to ${MAX_TTL})`);
          ttl = n;
          break;
        }
        case 'no_reverse':
          if (c.nextArg()) throw c.argErr();
          autoReverse = false;
          break;
        case 'reload': {
          const t = c.remainingArgs();
          if (t.length !== 1) throw c.err('reload needs a duration (zero seconds to disable)');
          let ns: number;
          try {
            ns = parseGoDuration(t[0]);
          } catch (e) {
            if (!(e instanceof DurationError)) throw e;
            throw c.err(`invalid duration for reload '${t[0]}'`);
          }
          if (ns < 0) throw c.err(`invalid negative duration for reload '${t[0]}'`);
          reloadMs = ns / 1e6;
          break;
        }
        case 'fallthrough': {
          fallthrough = parseFallthrough(c);
          fallthroughSeen = true;
          break;
        }
        case 'fallthrough_unsupported':
          if (c.nextArg()) throw c.argErr();
          fallthroughUnsupported = true;
          break;
        default: {
          // CoreDNS reads the block as inline entries only until fallthrough.
          if (fallthroughSeen) throw c.err(`unknown property '${option}'`);
          const file = c.file();
          const line = c.line();
          const text = [option, ...c.remainingArgs()].join(' ');
          inline.push({ text, file, line });
        }
      }
    }
  }
  if (fallthroughUnsupported && !fallthroughSeen) throw c.err('fallthrough_unsupported requires fallthrough');

  return {
    path,
    origins,
    ttl,
    autoReverse,
    reloadMs,
    fallthrough,
    fallthroughUnsupported,
    inline: inline.length > 0 ? parseInline(inline, origins, autoReverse) : undefined,
  };
}
