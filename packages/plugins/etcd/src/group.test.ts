import { describe, expect, it } from 'vitest';
import { groupServices } from './group.js';
import { entryFor } from './test-support/fixtures.js';
import type { Service } from './service.js';

function services(list: [string, string][]): Service[] {
  return list.map(([name, group]) => entryFor(name, { host: '10.0.0.1', group }).service as Service);
}
const keys = (sx: readonly Service[]): string[] => sx.map((s) => s.key);

describe('groupServices', () => {
  it('keeps everything when no group is set', () => {
    const sx = services([
      ['a.x.test.', ''],
      ['b.y.x.test.', ''],
    ]);
    expect(groupServices(sx)).toBe(sx);
  });

  it("keeps the shallowest key's group and services without a group", () => {
    const sx = services([
      ['a.x.test.', 'g1'],
      ['b.y.x.test.', 'g1'],
      ['c.y.x.test.', 'g2'],
      ['d.y.x.test.', ''],
    ]);
    expect(keys(groupServices(sx))).toEqual(keys([sx[0], sx[1], sx[3]]));
  });

  it("a disagreement at the group's depth undoes the grouping", () => {
    const sx = services([
      ['a.x.test.', 'g1'],
      ['b.x.test.', 'g2'],
      ['c.y.x.test.', 'g1'],
    ]);
    expect(groupServices(sx)).toBe(sx);
  });

  it('a shallower key without a group ends the search', () => {
    const sx = services([
      ['a.z.y.x.test.', 'g1'],
      ['b.x.test.', ''],
      ['c.z.y.x.test.', 'g2'],
    ]);
    // The group stays g1; c (recorded depth unset, as in CoreDNS) is dropped, not a disagreement.
    expect(keys(groupServices(sx))).toEqual(keys([sx[0], sx[1]]));
  });
});
