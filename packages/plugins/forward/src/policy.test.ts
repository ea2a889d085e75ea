import { describe, expect, it } from 'vitest';
import { createPolicy } from './policy.js';

describe('policies', () => {
  it('sequential always tries the upstreams in configured order', () => {
    const p = createPolicy('sequential', 3);
    for (let i = 0; i < 5; i++) expect(p.order()).toEqual([0, 1, 2]);
  });

  it("round_robin starts each query at the next upstream (CoreDNS's: the first query at the second)", () => {
    const p = createPolicy('round_robin', 3);
    expect([p.order(), p.order(), p.order(), p.order()]).toEqual([
      [1, 0, 2],
      [2, 0, 1],
      [0, 1, 2],
      [1, 0, 2],
    ]);
  });

  it('random gives permutations, every upstream first about equally often', () => {
    const p = createPolicy('random', 4);
    const first = [0, 0, 0, 0];
    for (let i = 0; i < 8000; i++) {
      const order = p.order();
      expect([...order].sort()).toEqual([0, 1, 2, 3]);
      first[order[0]]++;
    }
    for (const n of first) expect(n).toBeGreaterThan(1700);
  });

  it('random over two upstreams swaps about half the time', () => {
    const p = createPolicy('random', 2);
    let swapped = 0;
    for (let i = 0; i < 4000; i++) if (p.order()[0] === 1) swapped++;
    expect(swapped).toBeGreaterThan(1700);
    expect(swapped).toBeLessThan(2300);
  });

  it('needs at least one upstream', () => {
    expect(() => createPolicy('random', 0)).toThrow(RangeError);
    expect(createPolicy('random', 1).order()).toEqual([0]);
  });
});
