import { isSubdomain } from '../wire/name.js';

/**
 * The most specific zone of `zones` that `name` is in or below (CoreDNS's
 * plugin.Zones.Matches), or undefined when none is. Names and zones are absolute; the
 * comparison ignores letter case. The root zone "." matches every name.
 */
export function matchZone(zones: readonly string[], name: string): string | undefined {
  let best: string | undefined;
  for (let i = 0; i < zones.length; i++) {
    const zone = zones[i];
    // A longer zone string is a longer suffix, so it is the more specific match.
    if ((best === undefined || zone.length > best.length) && isSubdomain(name, zone)) best = zone;
  }
  return best;
}
