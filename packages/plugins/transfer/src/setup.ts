import { isIP } from 'node:net';
import { AclEntryError, AddressAcl, zonesOf, type Controller, type Dispenser } from '@tsdns/core';

/** One `transfer [ZONES...] { to ADDRESS... source ADDRESS }` directive. */
export interface TransferBlock {
  /** The zones it answers transfers for: its arguments, else the server block's zones. */
  readonly zones: readonly string[];
  /** Every `to` line's entries together: who may transfer, and whom to NOTIFY. */
  readonly acl: AddressAcl;
  /** Local address NOTIFYs are sent from (CoreDNS's `source`). */
  readonly source: string | undefined;
}

/** What parseTransfer needs of the Controller: its token walker and the block's zones. */
export type TransferSetupContext = Dispenser & Pick<Controller, 'zones'>;

/**
 * Reads every `transfer` directive of the server block (CoreDNS's syntax: `to` may repeat,
 * `source` once). `to` takes addresses, IP:port, CIDR networks (beyond CoreDNS, as the
 * book describes `transfer to`) and `*`. Errors in CoreDNS's words where it has them.
 */
export function parseTransfer(c: TransferSetupContext): TransferBlock[] {
  const blocks: TransferBlock[] = [];
  while (c.next()) {
    const args = c.remainingArgs();
    let zones: string[];
    if (args.length === 0) zones = [...c.zones];
    else {
      zones = [];
      for (const arg of args) {
        const z = zonesOf(arg);
        if (z.length === 0) throw c.err(`invalid zone '${arg}'`);
        zones.push(...z);
      }
    }
    let acl = AddressAcl.none;
    let source: string | undefined;
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'to': {
          const to = c.remainingArgs();
          if (to.length === 0) throw c.argErr();
          try {
            acl = acl.concat(AddressAcl.parse(to));
          } catch (e) {
            if (e instanceof AclEntryError) throw c.err(e.message);
            throw e;
          }
          break;
        }
        case 'source': {
          const s = c.remainingArgs();
          if (s.length !== 1) throw c.argErr();
          if (source !== undefined) throw c.err('source already specified');
          if (isIP(s[0]) === 0) throw c.err(`invalid source address ${JSON.stringify(s[0])}`);
          source = s[0];
          break;
        }
        default:
          throw c.err(`unknown property ${JSON.stringify(c.val())}`);
      }
    }
    if (acl.isEmpty) throw c.err("'to' is required");
    blocks.push({ zones, acl, source });
  }
  return blocks;
}
