import { resolve } from 'node:path';
import {
  Fallthrough,
  parseFallthrough,
  parseTransferOption,
  zonesOf,
  type AddressAcl,
  type Controller,
  type Dispenser,
  type PeerAddress,
} from '@tsdns/core';

/** One `secondary [ZONES...] { ... }` directive. */
export interface SecondaryDirective {
  /** The zones transferred in: the ZONES arguments, else the server block's zones. */
  readonly origins: readonly string[];
  /** `transfer from`: the primaries, tried in this order. */
  readonly primaries: readonly PeerAddress[];
  /** `transfer to`: who may transfer the zones on and who gets NOTIFY; undefined without it. */
  readonly transferTo: AddressAcl | undefined;
  /** `persist DIR`: where each zone is kept on disk (absolute), or undefined. */
  readonly persistDir: string | undefined;
  /** `fallthrough [ZONES...]`: NXDOMAIN for these names goes to the next plugin instead. */
  readonly fallthrough: Fallthrough;
}

/** What parseSecondary needs of the Controller: its token walker, the block's zones and `root`. */
export type SecondarySetupContext = Dispenser &
  Pick<Controller, 'zones'> & { readonly config: Pick<Controller['config'], 'root'> };

/**
 * Reads every `secondary` directive of the server block: the book's example 3-19
 * (`transfer from`, several times or with several addresses, and `transfer to`), current
 * CoreDNS's `fallthrough`, and `persist DIR`, which CoreDNS lacks.
 */
export function parseSecondary(c: SecondarySetupContext): SecondaryDirective[] {
  const directives: SecondaryDirective[] = [];
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
    const primaries: PeerAddress[] = [];
    let transferTo: AddressAcl | undefined;
    let persistDir: string | undefined;
    let fallthrough = Fallthrough.none;
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'transfer': {
          const t = parseTransferOption(c, 'secondary', ['from', 'to']);
          if (t.direction === 'from') {
            for (const p of t.primaries) {
              if (!primaries.some((q) => q.host === p.host && q.port === p.port)) primaries.push(p);
            }
          } else transferTo = transferTo === undefined ? t.acl : transferTo.concat(t.acl);
          break;
        }
        case 'persist': {
          const d = c.remainingArgs();
          if (d.length !== 1) throw c.argErr();
          persistDir = resolve(c.config.root, d[0]);
          break;
        }
        case 'fallthrough': {
          fallthrough = parseFallthrough(c);
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
    if (primaries.length === 0) throw c.err('secondary zones require a transfer from property');
    directives.push({ origins, primaries, transferTo, persistDir, fallthrough });
  }
  return directives;
}
