/** Starting tsdns with forward (and small stand-in plugins) for integration tests. */
import {
  Flag,
  Rcode,
  type Handler,
  type Message,
  type PluginDefinition,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';
import { onTestFinished } from 'vitest';
import { FakeUpstream, startTestServer, type TestServer, type UpstreamScript } from '@tsdns/testing';
import forward, { Forward } from '../index.js';

/** The forward plugin, also handing the test every Forward handler it builds. */
export function capturingForward(out: Forward[]): PluginDefinition {
  return {
    name: 'forward',
    async setup(c) {
      await forward.setup(c);
      c.onStartup(() => {
        for (const h of c.handlers()) if (h instanceof Forward && !out.includes(h)) out.push(h);
      });
    },
  };
}

/**
 * A plugin `answer` standing in for whatever follows forward in a chain: answers every
 * query with one A record of the address given as its argument, and counts its calls.
 */
export function answerPlugin(): PluginDefinition & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: 'answer',
    calls,
    setup(c) {
      c.next();
      if (!c.nextArg()) throw c.argErr();
      const address = c.val();
      const handler: Handler = {
        name: 'answer',
        serveDNS(req: Request, w: ResponseWriter): number {
          calls.push(req.name);
          const reply = req.reply();
          reply.flags |= Flag.AA;
          reply.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 60, data: address });
          w.write(reply);
          return Rcode.NOERROR;
        },
      };
      c.addHandler(() => handler);
    },
  };
}

export interface ForwardServer {
  readonly server: TestServer;
  readonly forwards: Forward[];
  stop(): Promise<void>;
}

/**
 * Starts a server with forward (and `extra` plugins after it) from a server block body;
 * the block listens on a free port.
 */
export async function startForwardServer(
  body: string,
  extra: readonly PluginDefinition[] = [],
  opts: { before?: readonly PluginDefinition[]; zone?: string; captureLogs?: boolean } = {},
): Promise<ForwardServer> {
  const forwards: Forward[] = [];
  const server = await startTestServer({
    corefile: (ports) => `${opts.zone ?? '.'}:${ports[0]} {\n${body}\n}`,
    plugins: [...(opts.before ?? []), capturingForward(forwards), ...extra],
    captureLogs: opts.captureLogs,
  });
  return { server, forwards, stop: () => server.stop() };
}

/** startForwardServer for the running test: stopped when the test finishes. */
export async function server(
  body: string,
  extra: readonly PluginDefinition[] = [],
  opts: { before?: readonly PluginDefinition[]; zone?: string; captureLogs?: boolean } = {},
): Promise<ForwardServer> {
  const s = await startForwardServer(body, extra, opts);
  onTestFinished(() => s.stop());
  return s;
}

/** A FakeUpstream for the running test: stopped when the test finishes. */
export async function upstream(
  script: UpstreamScript,
  opts?: { host?: string; port?: number },
): Promise<FakeUpstream> {
  const u = await FakeUpstream.start(script, opts);
  onTestFinished(() => u.stop());
  return u;
}

/** The rdata of each answer record (addresses for A and AAAA). */
export function answerData(msg: Message): unknown[] {
  return msg.answers.map((rr) => ('data' in rr ? rr.data : undefined));
}
