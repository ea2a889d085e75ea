import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { Fallthrough, parseGoDuration, zonesOf, type Controller, type Dispenser } from '@tsdns/core';

/** How often a zone file is checked for a new serial unless `reload` says otherwise (CoreDNS's). */
export const DEFAULT_RELOAD_MS = 60_000;

/** One `file DBFILE [ZONES...] { ... }` directive. */
export interface FileDirective {
  /** The zone file, absolute (a relative DBFILE is taken relative to `root`). */
  readonly path: string;
  /** The origins it is loaded as: the ZONES arguments, else the server block's zones. */
  readonly origins: readonly string[];
  /** Milliseconds between checks of the file; 0 disables reloading. */
  readonly reloadMs: number;
  /** Reload when the file's modification time changes, whatever its serial (CoreDNS's reload_by_mtime). */
  readonly reloadByMtime: boolean;
  /** `transfer to` targets as written: "*", an address (optionally with port) or a CIDR prefix. */
  readonly transferTo: readonly string[];
}

export interface FileConfig {
  readonly directives: readonly FileDirective[];
  /** `fallthrough [ZONES...]`: NXDOMAIN for these names goes to the next plugin instead. */
  readonly fallthrough: Fallthrough;
}

/** What parseFile needs of the Controller: its token walker, the block's zones and `root`. */
export type FileSetupContext = Dispenser &
  Pick<Controller, 'zones'> & { readonly config: Pick<Controller['config'], 'root'> };

/** Whether `text` is a valid `transfer to` target. */
export function isTransferTarget(text: string): boolean {
  if (text === '*') return true;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const family = isIP(text.slice(0, slash));
    const bits = text.slice(slash + 1);
    if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
    return Number(bits) <= (family === 4 ? 32 : 128);
  }
  if (isIP(text) !== 0) return true;
  // An address with a port, for the NOTIFY target: 192.0.2.1:5353 or [2001:db8::1]:5353.
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  if (m === null || Number(m[3]) > 65535) return false;
  return m[1] !== undefined ? isIP(m[1]) === 6 : isIP(m[2]) === 4;
}

/**
 * Reads every `file` directive of the server block (examples 3-17 and 4-5 of the book, and
 * current CoreDNS's `reload_by_mtime` and `fallthrough`). `upstream [ADDRESS...]` is
 * accepted and ignored, as current CoreDNS does: out-of-zone CNAME targets are always
 * left to the client.
 */
export function parseFile(c: FileSetupContext): FileConfig {
  const directives: FileDirective[] = [];
  let fallthrough = Fallthrough.none;
  while (c.next()) {
    if (!c.nextArg()) throw c.argErr();
    const path = resolve(c.config.root, c.val());
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
    let reloadMs = DEFAULT_RELOAD_MS;
    let reloadByMtime = false;
    const transferTo: string[] = [];
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'transfer': {
          const t = c.remainingArgs();
          if (t.length === 0) throw c.argErr();
          if (t[0] !== 'to')
            throw c.err(`transfer: expected 'to', found '${t[0]}' (file serves primary zones only)`);
          if (t.length === 1) throw c.err('transfer to: at least one address, network or * is needed');
          for (const target of t.slice(1)) {
            if (!isTransferTarget(target))
              throw c.err(`transfer to: '${target}' is not an address, a CIDR network or *`);
            transferTo.push(target);
          }
          break;
        }
        case 'reload': {
          const t = c.remainingArgs();
          if (t.length !== 1) throw c.err('reload duration value is expected');
          let ns: number;
          try {
            ns = parseGoDuration(t[0]);
          } catch (e) {
            throw c.err(`reload: ${(e as Error).message}`);
          }
          if (ns < 0) throw c.err(`reload: negative duration '${t[0]}'`);
          reloadMs = ns / 1e6;
          break;
        }
        case 'reload_by_mtime':
          if (c.nextArg()) throw c.argErr();
          reloadByMtime = true;
          break;
        case 'upstream':
          // Kept for old Corefiles: CoreDNS has ignored it since upstream lookups became implicit.
          c.remainingArgs();
          break;
        case 'fallthrough': {
          const args = c.remainingArgs();
          const f = Fallthrough.fromArgs(args);
          if (f === undefined) throw c.err(`fallthrough: invalid zone in '${args.join(' ')}'`);
          fallthrough = f;
          break;
        }
        default:
          throw c.err(`unknown property '${c.val()}'`);
      }
    }
    if (transferTo.length > 0) {
      // Serving AXFR and sending NOTIFY are server mechanisms core does not have yet;
      // accepting the option silently would promise transfers that never happen.
      throw c.err('transfer to: outgoing zone transfers are not supported yet');
    }
    directives.push({ path, origins, reloadMs, reloadByMtime, transferTo });
  }
  return { directives, fallthrough };
}
