import { resolve } from 'node:path';
import {
  parseGoDuration,
  parseTransferOption,
  zonesOf,
  type AddressAcl,
  type Controller,
  type Dispenser,
} from '@tsdns/core';
import { OriginPattern, OriginPatternError } from './pattern.js';

/** How often the directory is scanned unless `reload` says otherwise (CoreDNS's). */
export const DEFAULT_RELOAD_MS = 60_000;

/** One `auto [ZONES...] { ... }` directive. */
export interface AutoDirective {
  /** The zones it may serve: the ZONES arguments, else the server block's zones. */
  readonly origins: readonly string[];
  /** The directory scanned, absolute (a relative DIR is taken relative to `root`). */
  readonly directory: string;
  /** How a file's name becomes a zone's name. */
  readonly pattern: OriginPattern;
  /** Milliseconds between scans (and serial checks); 0 scans once, at startup. */
  readonly reloadMs: number;
  /** `transfer to`: who may transfer the zones and who gets NOTIFY; undefined without it. */
  readonly transferTo: AddressAcl | undefined;
}

/** What parseAuto needs of the Controller: its token walker, the block's zones and `root`. */
export type AutoSetupContext = Dispenser &
  Pick<Controller, 'zones'> & { readonly config: Pick<Controller['config'], 'root'> };

function parseDuration(c: Dispenser, text: string, what: string): number {
  let ns: number;
  try {
    ns = parseGoDuration(text);
  } catch (e) {
    throw c.err(`${what}: ${(e as Error).message}`);
  }
  if (ns < 0) throw c.err(`${what}: negative duration '${text}'`);
  return ns / 1e6;
}

/**
 * Reads every `auto` directive of the server block: the book's example 4-7 (`directory`,
 * `transfer to`, `reload`), current CoreDNS's `upstream` (accepted, as CNAME targets are
 * always resolved through the server) and older CoreDNS's TIMEOUT after ORIGIN_TEMPLATE,
 * seconds between scans, used when `reload` is not given.
 */
export function parseAuto(c: AutoSetupContext): AutoDirective[] {
  const directives: AutoDirective[] = [];
  while (c.next()) {
    const args = c.remainingArgs();
    let origins: string[];
    if (args.length === 0) origins = [...c.zones];
    else {
      origins = [];
      for (const arg of args) {
        const zones = zonesOf(arg);
        if (zones.length === 0) throw c.err(`invalid zone '${arg}'`);
        origins.push(...zones);
      }
    }
    let directory = c.config.root;
    let pattern = OriginPattern.DEFAULT;
    let reloadMs: number | undefined;
    let timeoutMs: number | undefined;
    let transferTo: AddressAcl | undefined;
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'directory': {
          const d = c.remainingArgs();
          if (d.length !== 1 && d.length !== 3 && d.length !== 4) throw c.argErr();
          directory = resolve(c.config.root, d[0]);
          if (d.length >= 3) {
            try {
              pattern = new OriginPattern(d[1], d[2]);
            } catch (e) {
              if (e instanceof OriginPatternError) throw c.err(e.message);
              throw e;
            }
          }
          if (d.length === 4) {
            if (!/^\d+$/.test(d[3]) || Number(d[3]) < 1)
              throw c.err(`directory: TIMEOUT '${d[3]}' is not a whole number of seconds, at least 1`);
            timeoutMs = Number(d[3]) * 1000;
          }
          break;
        }
        case 'reload': {
          const t = c.remainingArgs();
          if (t.length !== 1) throw c.err('reload duration value is expected');
          reloadMs = parseDuration(c, t[0], 'reload');
          break;
        }
        case 'transfer': {
          const t = parseTransferOption(c, 'auto', ['to']);
          if (t.direction === 'to') transferTo = transferTo === undefined ? t.acl : transferTo.concat(t.acl);
          break;
        }
        case 'upstream':
          // Kept for old Corefiles: out-of-zone CNAME targets are resolved through the server.
          c.remainingArgs();
          break;
        default:
          throw c.err(`unknown property '${c.val()}'`);
      }
    }
    directives.push({
      origins,
      directory,
      pattern,
      reloadMs: reloadMs ?? timeoutMs ?? DEFAULT_RELOAD_MS,
      transferTo,
    });
  }
  return directives;
}
