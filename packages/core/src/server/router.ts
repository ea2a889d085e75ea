import type { Handler } from '../plugin/handler.js';
import type { SiteConfig } from '../plugin/controller.js';
import type { Request } from '../plugin/request.js';
import type { NonWriter } from '../plugin/recorder.js';
import type { ChainResolver } from '../plugin/upstream.js';
import type { Message } from '../wire/types.js';
import { isSubdomain } from '../wire/name.js';
import type { InflightTracker } from './inflight.js';
import { serveUpstream } from './upstream.js';

/** What routing reads of a query: its lowercased name (read only when needed) and its type. */
export interface RoutedQuery {
  readonly name: string;
  readonly qtype: string;
}

/** One server block key once set up: its zone, its settings and its plugin chain. */
export interface Site {
  readonly config: SiteConfig;
  /** The first handler of the chain; undefined when the block has no handler plugins. */
  readonly chain: Handler | undefined;
  /** Every handler of the chain, first to last. */
  readonly handlers: readonly Handler[];
  /** Where the key was written, for messages. */
  readonly file: string;
  readonly line: number;
}

/**
 * Handlers whose presence on a listener lets queries of classes other than IN through
 * (CoreDNS's EnableChaos): `chaos` answers CH queries, `forward` passes any class on.
 * Without one of them a listener REFUSES other classes. Embedders may add names.
 */
export const anyClassPlugins: Set<string> = new Set(['chaos', 'forward', 'proxy']);

/**
 * Picks the server block for a query on one listener: the longest zone that the name is
 * in (chapter 3, "Query Processing"). One Router exists per listener and instance; a reload
 * swaps a listener's Router for the new instance's.
 */
export class Router implements ChainResolver {
  /** Sites ordered by zone length, longest first, so the first match is the most specific. */
  readonly #sites: readonly Site[];
  /**
   * The listener as CoreDNS names it in messages (`dns://:53`, `dns://127.0.0.1:1053`);
   * set once the listener is bound, when the real port is known.
   */
  address = '';
  /** Whether queries of classes other than IN are served (see anyClassPlugins). */
  readonly anyClass: boolean;

  constructor(
    sites: readonly Site[],
    /** In-flight asynchronous queries of the instance this router belongs to. */
    readonly instanceInflight: InflightTracker,
  ) {
    this.#sites = [...sites].sort((a, b) => b.config.zone.length - a.config.zone.length);
    this.anyClass = sites.some((s) => s.handlers.some((h) => anyClassPlugins.has(h.name)));
  }

  get sites(): readonly Site[] {
    return this.#sites;
  }

  /** Upstream lookups of the queries this router dispatched (see plugin/upstream.ts). */
  resolve(req: Request, w: NonWriter): Promise<Message> {
    return serveUpstream(this, req, w);
  }

  /**
   * The site for a query, or undefined (the server then REFUSES). A DS record lives on the
   * parent side of a zone cut, so a DS query for the apex of one served zone goes to the
   * closest served parent zone below the root when there is one. The root zone holds every
   * name, so a query that reaches it is routed without its lowercased name being made.
   */
  route(query: RoutedQuery): Site | undefined {
    const sites = this.#sites;
    let name: string | undefined;
    for (let i = 0; i < sites.length; i++) {
      const zone = sites[i].config.zone;
      // Sites run longest zone first, so the root, which has no parent for DS, comes last.
      if (zone === '.') return sites[i];
      name ??= query.name;
      if (!isSubdomain(name, zone)) continue;
      if (zone.length === name.length && query.qtype === 'DS') {
        for (let j = i + 1; j < sites.length; j++) {
          const parent = sites[j].config.zone;
          if (parent !== '.' && isSubdomain(name, parent)) return sites[j];
        }
      }
      return sites[i];
    }
    return undefined;
  }
}
