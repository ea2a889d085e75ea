import {
  Fallthrough,
  parseFallthrough,
  parseName,
  NameError,
  zonesOf,
  type Controller,
  type Dispenser,
} from '@tsdns/core';

/** CoreDNS's defaults: TTL 5 s, name server records under `dns`. */
export const DEFAULT_TTL = 5;
export const DEFAULT_APEX = 'dns';
/** CoreDNS's bound for `ttl`. */
const MAX_TTL = 3600;
const ATOI = /^[+-]?\d+$/;

export interface K8sExternalConfig {
  /** The external zones: ZONE..., else the server block's zones. */
  readonly zones: readonly string[];
  /** The label (or labels) under each zone where its name server lives: `ns1.APEX.ZONE`. */
  readonly apex: string;
  readonly ttl: number;
  /** Whether endpoints of headless services are answered too. */
  readonly headless: boolean;
  /** For which names an NXDOMAIN is passed to the next plugin instead. */
  readonly fallthrough: Fallthrough;
}

/** What parseK8sExternal needs of the Controller: its token walker and the block's zones. */
export type K8sExternalSetupContext = Dispenser & Pick<Controller, 'zones'>;

/**
 * Reads `k8s_external [ZONE...] { apex APEX; ttl TTL; headless; fallthrough [ZONES...] }`
 * with CoreDNS's rules and messages; a later directive in the same block replaces an
 * earlier one, as in CoreDNS.
 */
export function parseK8sExternal(c: K8sExternalSetupContext): K8sExternalConfig {
  let config: K8sExternalConfig | undefined;
  while (c.next()) {
    const zones = parseZones(c, c.remainingArgs());
    let apex = DEFAULT_APEX;
    let ttl = DEFAULT_TTL;
    let headless = false;
    let fallthrough = Fallthrough.none;
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'ttl': {
          const args = c.remainingArgs();
          if (args.length === 0) throw c.argErr();
          if (!ATOI.test(args[0])) throw c.err(`invalid ttl ${JSON.stringify(args[0])}`);
          const t = Number(args[0]);
          if (t < 0 || t > MAX_TTL) throw c.err(`ttl must be in range [0, ${MAX_TTL}]: ${t}`);
          ttl = t;
          break;
        }
        case 'apex': {
          const args = c.remainingArgs();
          if (args.length === 0) throw c.argErr();
          apex = parseApex(c, args[0]);
          break;
        }
        case 'headless':
          if (c.remainingArgs().length > 0) throw c.argErr();
          headless = true;
          break;
        case 'fallthrough': {
          fallthrough = parseFallthrough(c);
          break;
        }
        default:
          throw c.err(`unknown property '${c.val()}'`);
      }
    }
    config = { zones, apex, ttl, headless, fallthrough };
  }
  if (config === undefined) throw c.argErr();
  return config;
}

function parseZones(c: K8sExternalSetupContext, args: readonly string[]): string[] {
  if (args.length === 0) return [...c.zones];
  const zones: string[] = [];
  for (const arg of args) {
    const z = zonesOf(arg);
    if (z.length === 0) throw c.err(`invalid zone '${arg}'`);
    zones.push(...z);
  }
  return zones;
}

/** APEX is one or more labels, relative to each zone; kept lowercased without the final dot. */
function parseApex(c: K8sExternalSetupContext, text: string): string {
  try {
    if (text.endsWith('.') || text === '@') throw new NameError('must be labels relative to the zone', text);
    return parseName(text, 'x.').slice(0, -'.x.'.length).toLowerCase();
  } catch (e) {
    if (e instanceof NameError) throw c.err(`invalid apex ${JSON.stringify(text)}: ${e.message}`);
    throw e;
  }
}
