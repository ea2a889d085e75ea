import {
  HandlerError,
  dnsDoRequests,
  dnsRequestDuration,
  dnsRequestSize,
  dnsRequests,
  dnsResponseSize,
  dnsResponses,
  encodeMessage,
  matchZone,
  nextOrFailure,
  rcodeToString,
  wasWritten,
  type Counter,
  MONITORED_QTYPES,
  type Handler,
  type Histogram,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import { MetricsRecorder } from './recorder.js';

// Type labels by index, so a query's series is found without building a label string.
const TYPE_INDEX: ReadonlyMap<string, number> = new Map(MONITORED_QTYPES.map((t, i) => [t, i]));
const TYPE_LABELS: readonly string[] = [...MONITORED_QTYPES, 'other'];
const OTHER = MONITORED_QTYPES.length;

/** The series of one transport ("udp" or "tcp") under one server and zone. */
class ProtoSeries {
  readonly requestSize: Histogram;
  readonly responseSize: Histogram;
  /** requests_total by family (0: IPv4, 1: IPv6) and type index, made on first use. */
  readonly requests: (Counter | undefined)[][] = [[], []];

  constructor(
    readonly server: string,
    readonly zone: string,
    readonly proto: 'udp' | 'tcp',
  ) {
    this.requestSize = dnsRequestSize.labels(server, zone, '', proto);
    this.responseSize = dnsResponseSize.labels(server, zone, '', proto);
  }

  request(family: 0 | 1, type: number): Counter {
    return (this.requests[family][type] ??= dnsRequests.labels(
      this.server,
      this.zone,
      '',
      this.proto,
      family === 0 ? '1' : '2',
      TYPE_LABELS[type],
    ));
  }
}

/**
 * Every series one (server, zone) pair writes to, found once: the per-query work is then
 * field reads and array indexing, never a label lookup.
 */
class ZoneSeries {
  readonly duration: Histogram;
  readonly doRequests: Counter;
  readonly udp: ProtoSeries;
  readonly tcp: ProtoSeries;
  /** responses_total by rcode, then by the plugin that wrote. */
  readonly #responses: (Map<string, Counter> | undefined)[] = [];

  constructor(
    readonly server: string,
    readonly zone: string,
  ) {
    this.duration = dnsRequestDuration.labels(server, zone, '');
    this.doRequests = dnsDoRequests.labels(server, zone, '');
    this.udp = new ProtoSeries(server, zone, 'udp');
    this.tcp = new ProtoSeries(server, zone, 'tcp');
  }

  /** The last series response() gave, by far the most likely next: a server answers alike. */
  #lastRcode = -1;
  #lastPlugin = '';
  #lastResponse: Counter | undefined;

  response(rcode: number, plugin: string): Counter {
    if (rcode === this.#lastRcode && plugin === this.#lastPlugin && this.#lastResponse !== undefined)
      return this.#lastResponse;
    this.#lastRcode = rcode;
    this.#lastPlugin = plugin;
    return (this.#lastResponse = this.#lookupResponse(rcode, plugin));
  }

  #lookupResponse(rcode: number, plugin: string): Counter {
    const byPlugin = (this.#responses[rcode] ??= new Map());
    let c = byPlugin.get(plugin);
    if (c === undefined) {
      c = dnsResponses.labels(this.server, this.zone, '', rcodeToString(rcode), plugin);
      byPlugin.set(plugin, c);
    }
    return c;
  }
}

/**
 * The prometheus plugin's handler (CoreDNS's metrics.ServeDNS): watches the rest of the
 * chain through a MetricsRecorder and reports each query under CoreDNS's names:
 * requests, DO requests, duration, request and response sizes, responses by rcode and by
 * the plugin that wrote them. A synchronous chain stays synchronous.
 */
export class MetricsHandler implements Handler {
  readonly name = 'prometheus';
  /** By server label, then zone: the series cache. */
  readonly #series = new Map<string, Map<string, ZoneSeries>>();
  /** The series of the last query: a block mostly serves one listener and one zone. */
  #last: ZoneSeries | undefined;

  readonly #onlyZone: string | undefined;

  constructor(
    /** The zones of the server block's keys: the `zone` label is the one a query is in. */
    private readonly zones: readonly string[],
    private readonly next: Handler | undefined,
  ) {
    this.#onlyZone = zones.length === 1 ? zones[0] : undefined;
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    // The server routed the query to this block by its name, so with one zone it is in it.
    const zone = this.#onlyZone ?? matchZone(this.zones, req.name) ?? '.';
    const next = this.next;
    if (next === undefined) return nextOrFailure(this.name, next, req, w);
    const rec = new MetricsRecorder(w, next.name);
    // Kept for the whole query: handlers that call on after an await are still tracked.
    req.tracker = rec;
    let result: number | Promise<number>;
    try {
      // next gets the recorder itself, which names it as the writer when no PluginWriter
      // below says otherwise: one writer fewer per query than nextOrFailure would make.
      result = next.serveDNS(req, rec);
    } catch (e) {
      // CoreDNS reports an error's rcode; a panic it does not (the server counts that one).
      if (e instanceof HandlerError) this.#report(req, zone, rec, e.rcode);
      throw e;
    }
    if (typeof result === 'number') {
      this.#report(req, zone, rec, result);
      return result;
    }
    return result.then(
      (rcode) => {
        this.#report(req, zone, rec, rcode);
        return rcode;
      },
      (e: unknown) => {
        if (e instanceof HandlerError) this.#report(req, zone, rec, e.rcode);
        throw e;
      },
    );
  }

  #zoneSeries(server: string, zone: string): ZoneSeries {
    const last = this.#last;
    if (last !== undefined && last.server === server && last.zone === zone) return last;
    return (this.#last = this.#lookupSeries(server, zone));
  }

  #lookupSeries(server: string, zone: string): ZoneSeries {
    let byZone = this.#series.get(server);
    if (byZone === undefined) {
      byZone = new Map();
      this.#series.set(server, byZone);
    }
    let s = byZone.get(zone);
    if (s === undefined) {
      s = new ZoneSeries(server, zone);
      byZone.set(zone, s);
    }
    return s;
  }

  #report(req: Request, zone: string, rec: MetricsRecorder, status: number): void {
    const s = this.#zoneSeries(req.server, zone);
    // A chain that wrote nothing makes the server write `status` as the rcode (CoreDNS's rule).
    const rcode = wasWritten(status) ? rec.rcode : status;
    const proto = req.transport === 'udp' ? s.udp : s.tcp;
    if (req.do) s.doRequests.inc();
    proto.request(req.family === 6 ? 1 : 0, TYPE_INDEX.get(req.qtype) ?? OTHER).inc();
    s.duration.observe((performance.now() - rec.start) / 1000);
    proto.responseSize.observe(rec.len);
    proto.requestSize.observe(req.wireSize ?? wireSizeOf(req));
    s.response(rcode, rec.plugin).inc();
  }
}

/** The size of a query that did not arrive as bytes (an upstream lookup made in the server). */
function wireSizeOf(req: Request): number {
  try {
    return encodeMessage(req.msg).length;
  } catch {
    return 0;
  }
}
