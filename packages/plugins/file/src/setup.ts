import { resolve } from 'node:path';
import {
  Fallthrough,
  parseFallthrough,
  parseGoDuration,
  parseTransferOption,
  zonesOf,
  type AddressAcl,
  type Controller,
  type Dispenser,
} from '@tsdns/core';

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
  /** `transfer to`: who may transfer the zones and who gets NOTIFY; undefined without it. */
  readonly transferTo: AddressAcl | undefined;
}

export interface FileConfig {
  readonly directives: readonly FileDirective[];
  /** `fallthrough [ZONES...]`: NXDOMAIN for these names goes to the next plugin instead. */
  readonly fallthrough: Fallthrough;
}

/** What parseFile needs of the Controller: its token walker, the block's zones and `root`. */
export type FileSetupContext = Dispenser &
  Pick<Controller, 'zones'> & { readonly config: Pick<Controller['config'], 'root'> };

/**
 * Reads every `file` directive of the server block (examples 3-17 and 4-5 of the book, and
 * current CoreDNS's `reload_by_mtime` and `fallthrough`). `upstream [ADDRESS...]` is
 * accepted and ignored, as current CoreDNS does: out-of-zone CNAME targets are always
 * resolved through the server's own chain.
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
    let transferTo: AddressAcl | undefined;
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'transfer': {
          const t = parseTransferOption(c, 'file', ['to']);
          if (t.direction === 'to') transferTo = transferTo === undefined ? t.acl : transferTo.concat(t.acl);
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
          fallthrough = parseFallthrough(c);
          break;
        }
        default:
          throw c.err(`unknown property '${c.val()}'`);
      }
    }
    directives.push({ path, origins, reloadMs, reloadByMtime, transferTo });
  }
  return { directives, fallthrough };
}
