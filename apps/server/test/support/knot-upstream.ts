/**
 * Knot (Debian's knotd) as the upstream name server of a test "node": the address a
 * cluster's resolv.conf names. A resolv.conf cannot give a port, so Knot listens on port 53
 * of a loopback address of the test's own (127.0.0.0/8 is all loopback on Linux), which
 * needs root; `canServePort53` tells tests to skip without it.
 */
import { hasTool, startKnot } from '@tsdns/testing';

export const canServePort53 = process.getuid?.() === 0 && hasTool('knotd') && hasTool('kdig');

export interface KnotUpstream {
  readonly host: string;
  /** resolv.conf text naming this server (and a search line, as a node's has). */
  resolvConf(search?: readonly string[]): string;
  stop(): Promise<void>;
}

/** Starts knotd on `host`:53 serving `zones` (origin to zone file text); resolves once all answer. */
export async function startKnotUpstream(
  host: string,
  zones: Readonly<Record<string, string>>,
): Promise<KnotUpstream> {
  const knot = await startKnot({
    host,
    port: 53,
    zones: Object.entries(zones).map(([origin, text]) => ({ origin, text })),
  });
  return {
    host,
    resolvConf: (search = []) =>
      `${search.length > 0 ? `search ${search.join(' ')}\n` : ''}nameserver ${host}\noptions ndots:5\n`,
    stop: () => knot.stop(),
  };
}
