/** The names of the upstream selection policies (the `policy` option). */
export type PolicyName = 'random' | 'round_robin' | 'sequential';

export const POLICY_NAMES: readonly PolicyName[] = ['random', 'round_robin', 'sequential'];

/**
 * The order in which one query tries the upstreams, as indexes into the configured list
 * (CoreDNS's Policy.List). Orders that do not depend on randomness are precomputed and
 * shared; callers must not change them.
 */
export interface Policy {
  readonly name: PolicyName;
  order(): readonly number[];
}

function identity(n: number): number[] {
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Always the configured order: the first healthy upstream gets every query. */
class Sequential implements Policy {
  readonly name = 'sequential';
  readonly #order: readonly number[];
  constructor(n: number) {
    this.#order = identity(n);
  }
  order(): readonly number[] {
    return this.#order;
  }
}

/**
 * Each query starts at the next upstream, then tries the others in configured order
 * (CoreDNS's round_robin: upstream i first, then 0..i-1, then i+1..n-1; its counter is
 * incremented before use, so the first query starts at the second upstream).
 */
class RoundRobin implements Policy {
  readonly name = 'round_robin';
  readonly #orders: readonly (readonly number[])[];
  #robin = 0;
  constructor(n: number) {
    this.#orders = identity(n).map((i) => [i, ...identity(n).filter((j) => j !== i)]);
  }
  order(): readonly number[] {
    this.#robin = (this.#robin + 1) % this.#orders.length;
    return this.#orders[this.#robin];
  }
}

/** A uniformly random permutation per query (CoreDNS's default policy). */
class RandomOrder implements Policy {
  readonly name = 'random';
  readonly #n: number;
  readonly #identity: readonly number[];
  readonly #swapped: readonly number[];
  constructor(n: number) {
    this.#n = n;
    this.#identity = identity(n);
    this.#swapped = [1, 0];
  }
  order(): readonly number[] {
    const n = this.#n;
    if (n === 1) return this.#identity;
    if (n === 2) return Math.random() < 0.5 ? this.#swapped : this.#identity;
    const perm = identity(n);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return perm;
  }
}

/** A policy over `n` upstreams (n >= 1). */
export function createPolicy(name: PolicyName, n: number): Policy {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`a policy needs at least one upstream, got ${n}`);
  switch (name) {
    case 'sequential':
      return new Sequential(n);
    case 'round_robin':
      return new RoundRobin(n);
    case 'random':
      return new RandomOrder(n);
  }
}
