/**
 * A metric family: one metric name with its help text, label names and one series (a
 * "child") per combination of label values. The children hold plain numbers so the hot
 * path is a field update; the family turns them into prom-client's metric objects only
 * when the registry is scraped.
 */

/** prom-client's shape of one sample (MetricValueWithName), built at scrape time. */
export interface Sample {
  value: number;
  labels: Record<string, string>;
  metricName?: string;
}

/** prom-client's shape of a metric at scrape time (MetricObjectWithValues). */
export interface FamilySnapshot {
  name: string;
  help: string;
  type: MetricType;
  aggregator: 'sum';
  values: Sample[];
}

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** A family was defined twice with different settings, or its name or labels are malformed. */
export class MetricDefinitionError extends Error {
  override readonly name = 'MetricDefinitionError';
}

/** Label values that do not fit the family's label names. */
export class MetricLabelError extends TypeError {
  override readonly name = 'MetricLabelError';
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface MetricOptions {
  /** The full metric name, e.g. "coredns_cache_hits_total". */
  readonly name: string;
  readonly help: string;
  /** Label names in the order `labels(...)` takes their values; none for a single series. */
  readonly labelNames?: readonly string[];
}

/** One series of a family: its label values and the child that holds its numbers. */
interface Series<C> {
  readonly values: readonly string[];
  readonly child: C;
}

/**
 * Children are found through a trie of Maps, one level per label, so a lookup is one
 * Map.get per label and never builds a key string.
 */
type Trie<C> = Map<string, Trie<C> | Series<C>>;

export abstract class MetricFamily<C> {
  abstract readonly type: MetricType;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** For prom-client's cluster aggregation: series of several workers add up. */
  readonly aggregator = 'sum' as const;
  #trie: Trie<C> = new Map();
  #series: Series<C>[] = [];
  #single: C | undefined;
  readonly #collectors = new Set<() => void>();

  constructor(options: MetricOptions) {
    if (!METRIC_NAME.test(options.name))
      throw new MetricDefinitionError(`invalid metric name "${options.name}"`);
    const labelNames = options.labelNames ?? [];
    for (const l of labelNames) {
      if (!LABEL_NAME.test(l) || l.startsWith('__'))
        throw new MetricDefinitionError(`metric ${options.name}: invalid label name "${l}"`);
    }
    if (new Set(labelNames).size !== labelNames.length)
      throw new MetricDefinitionError(`metric ${options.name}: duplicate label names`);
    this.name = options.name;
    this.help = options.help;
    this.labelNames = Object.freeze([...labelNames]);
  }

  /**
   * A family without labels has its one series from the start, so it is exported as 0
   * before anything happens (as Go's client exports a plain counter). Subclasses call
   * this once their fields are set.
   */
  protected initSingle(): void {
    if (this.labelNames.length === 0) this.labels();
  }

  /** Makes the child of a new series. */
  protected abstract newChild(): C;
  /** The samples one series contributes to a scrape. */
  protected abstract samples(labels: Record<string, string>, child: C, out: Sample[]): void;

  /**
   * The series with these label values (in `labelNames` order), created on first use.
   * Callers on a hot path keep the returned child instead of looking it up per event.
   */
  labels(...values: string[]): C {
    return this.child(values);
  }

  /** `labels` with the values in an array. */
  child(values: readonly string[]): C {
    const depth = this.labelNames.length;
    if (values.length !== depth) {
      throw new MetricLabelError(
        `metric ${this.name} has ${depth} labels (${this.labelNames.join(', ')}), got ${values.length} values`,
      );
    }
    if (depth === 0) return (this.#single ??= this.#add([]));
    let node = this.#trie;
    for (let i = 0; i < depth - 1; i++) {
      let next = node.get(values[i]) as Trie<C> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(values[i], next);
      }
      node = next;
    }
    const leaf = node.get(values[depth - 1]) as Series<C> | undefined;
    if (leaf !== undefined) return leaf.child;
    const child = this.#add(values);
    node.set(values[depth - 1], this.#series[this.#series.length - 1]);
    return child;
  }

  #add(values: readonly string[]): C {
    for (const v of values) {
      if (typeof v !== 'string')
        throw new MetricLabelError(`metric ${this.name}: label values must be strings`);
    }
    const child = this.newChild();
    this.#series.push({ values: [...values], child });
    return child;
  }

  /** Whether a series with these label values exists. */
  has(...values: string[]): boolean {
    return this.#find(values) !== undefined;
  }

  /**
   * Drops one series (CoreDNS's Delete): it disappears from scrapes. A child kept by a
   * caller goes on counting, unseen; ask for it again to start a new series.
   */
  remove(...values: string[]): boolean {
    const found = this.#find(values);
    if (found === undefined) return false;
    this.#series = this.#series.filter((s) => s !== found);
    if (values.length === 0) this.#single = undefined;
    else this.#rebuildTrie();
    return true;
  }

  /** Drops every series (CoreDNS's Reset). */
  reset(): void {
    this.#series = [];
    this.#trie = new Map();
    this.#single = undefined;
    this.initSingle();
  }

  /**
   * Registers a function run before every scrape, to set values that are cheaper to read
   * then than to track (the size of a cache). Returns the function that unregisters it.
   */
  onCollect(fn: () => void): () => void {
    this.#collectors.add(fn);
    return () => {
      this.#collectors.delete(fn);
    };
  }

  /** The family and its series as prom-client's registry reads them. */
  async get(): Promise<FamilySnapshot> {
    for (const fn of this.#collectors) fn();
    const values: Sample[] = [];
    for (const s of this.#series) this.samples(this.#labelObject(s.values), s.child, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Each series' label values and child, for tests and for code that sums over series. */
  series(): readonly { readonly values: readonly string[]; readonly child: C }[] {
    for (const fn of this.#collectors) fn();
    return this.#series;
  }

  #labelObject(values: readonly string[]): Record<string, string> {
    const labels: Record<string, string> = {};
    for (let i = 0; i < values.length; i++) labels[this.labelNames[i]] = values[i];
    return labels;
  }

  #find(values: readonly string[]): Series<C> | undefined {
    if (values.length !== this.labelNames.length) return undefined;
    return this.#series.find((s) => s.values.every((v, i) => v === values[i]));
  }

  #rebuildTrie(): void {
    const series = this.#series;
    this.#trie = new Map();
    const depth = this.labelNames.length;
    for (const s of series) {
      let node = this.#trie;
      for (let i = 0; i < depth - 1; i++) {
        let next = node.get(s.values[i]) as Trie<C> | undefined;
        if (next === undefined) {
          next = new Map();
          node.set(s.values[i], next);
        }
        node = next;
      }
      node.set(s.values[depth - 1], s);
    }
  }
}
