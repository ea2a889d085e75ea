import {
  Dispenser,
  Rcode,
  Request,
  setRcode,
  tokenize,
  type Handler,
  type Message,
  type ResourceRecord,
  type ResponseWriter,
} from '@tsdns/core';
import { CaptureWriter, buildQuery, type QueryOptions } from '@tsdns/testing';
import { Cache } from '../cache.js';
import { parseCache } from '../setup.js';

/** A clock the test moves by hand (milliseconds). */
export class FakeClock {
  ms = 1_000_000;
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** What the scripted upstream does with one query. */
export type Script = (req: Request) => Message | 'throw' | 'nothing';

/**
 * The rest of the chain, scripted: answers each query with what `script` returns, either
 * at once or after a microtask (`async`), and records the queries it saw.
 */
export class ScriptedUpstream implements Handler {
  readonly name = 'upstream';
  readonly seen: Message[] = [];
  async = false;
  /** While set, queries wait for release() before being answered. */
  #held: Array<() => void> | undefined;

  constructor(public script: Script) {}

  hold(): void {
    this.#held = [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const go of held) go();
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    this.seen.push(req.msg);
    if (this.#held !== undefined) {
      const held = this.#held;
      return new Promise<void>((resolve) => held.push(resolve)).then(() => this.#answer(req, w));
    }
    if (this.async) return Promise.resolve().then(() => this.#answer(req, w));
    return this.#answer(req, w);
  }

  #answer(req: Request, w: ResponseWriter): number {
    const out = this.script(req);
    if (out === 'throw') throw new Error('upstream unreachable');
    if (out === 'nothing') return Rcode.SERVFAIL;
    w.write(out);
    return Rcode.NOERROR;
  }
}

export interface ResponseInit {
  rcode?: number;
  answers?: ResourceRecord[];
  authorities?: ResourceRecord[];
  additionals?: ResourceRecord[];
  flags?: number;
}

/** A response to `req` as an upstream would send it (RA set, the question echoed). */
export function respond(req: Request, init: ResponseInit = {}): Message {
  const msg = req.reply(Rcode.NOERROR);
  msg.flags |= 0x0080 | (init.flags ?? 0);
  msg.answers.push(...(init.answers ?? []));
  msg.authorities.push(...(init.authorities ?? []));
  msg.additionals.unshift(...(init.additionals ?? []));
  if (init.rcode !== undefined) setRcode(msg, init.rcode);
  return msg;
}

export function a(name: string, ttl: number, address: string): ResourceRecord {
  return { name, type: 'A', class: 'IN', ttl, data: address };
}

export function soa(zone: string, ttl: number, minimum: number): ResourceRecord {
  return {
    name: zone,
    type: 'SOA',
    class: 'IN',
    ttl,
    data: {
      mname: `ns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 7200,
      retry: 3600,
      expire: 1209600,
      minimum,
    },
  };
}

/** A cache configured by Corefile text (the `cache` directive and its block) for zones '.'. */
export function makeCache(
  corefile: string,
  upstream: Handler | undefined,
  clock = new FakeClock(),
  zones = ['.'],
): Cache {
  const config = parseCache(new Dispenser(tokenize(corefile, 'Corefile'), 'Corefile'), zones);
  return new Cache(config, upstream, { now: clock.now });
}

export interface Asked {
  req: Request;
  reply: Message | undefined;
  rcode: number | Promise<number>;
  w: CaptureWriter;
}

/** Sends one query through `handler`; `reply` is what was written synchronously. */
export function ask(
  handler: Handler,
  name: string,
  type: string,
  opts: QueryOptions & { flags?: number } = {},
): Asked {
  const w = new CaptureWriter();
  const msg = buildQuery(name, type, opts);
  msg.flags |= opts.flags ?? 0;
  const req = new Request(msg, w);
  const rcode = handler.serveDNS(req, w);
  return { req, reply: w.written[0], rcode, w };
}

/** Sends one query and waits for the chain to finish; returns the reply. */
export async function askAsync(
  handler: Handler,
  name: string,
  type: string,
  opts: QueryOptions & { flags?: number } = {},
): Promise<Message> {
  const asked = ask(handler, name, type, opts);
  await asked.rcode;
  const reply = asked.w.written[0];
  if (reply === undefined) throw new Error(`no reply to ${name} ${type}`);
  return reply;
}

/** Lets queued microtasks and promise chains run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export function ttls(msg: Message): number[] {
  return [...msg.answers, ...msg.authorities, ...msg.additionals]
    .filter((rr) => rr.type !== 'OPT')
    .map((rr) => rr.ttl);
}

/** The rdata of a message's answers (OPT has none). */
export function answerData(msg: Message | undefined): unknown[] {
  return (msg?.answers ?? []).map((rr) => ('data' in rr ? rr.data : undefined));
}
