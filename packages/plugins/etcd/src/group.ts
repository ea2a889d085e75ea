import type { Service } from './service.js';

/**
 * SkyDNS's `group` (CoreDNS's msg.Group): the shallowest keys of an answer decide its group.
 * Going through the services in key order, a key shallower than every one before it sets
 * the group, unless it has none, which ends the search. With a group found, only services
 * of that group or of none stay; but when two services at the group's depth disagree, the
 * set is not grouped at all and every service stays.
 *
 * Depths of services after the search ended are not compared (CoreDNS leaves them unset),
 * so a disagreement among them does not undo the group either.
 */
export function groupServices(services: readonly Service[]): readonly Service[] {
  if (services.length === 0) return services;
  let group = services[0].group;
  let depth = services[0].depth;
  let searched = services.length;
  for (let i = 0; i < services.length; i++) {
    const s = services[i];
    if (s.depth < depth) {
      if (s.group === '') {
        searched = i;
        break;
      }
      depth = s.depth;
      group = s.group;
    }
  }
  if (group === '') return services;

  const kept: Service[] = [];
  for (let i = 0; i < services.length; i++) {
    const s = services[i];
    if (s.group === '') {
      kept.push(s);
      continue;
    }
    // CoreDNS compares the depths recorded during the search; after a `break` they stay 0.
    const recordedDepth = i <= searched ? s.depth : 0;
    if (recordedDepth === depth && s.group !== group) return services;
    if (s.group === group) kept.push(s);
  }
  return kept;
}
