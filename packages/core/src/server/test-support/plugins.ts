/**
 * Tiny plugins for the server's tests, configured from the Corefile so each test states
 * its setup in the Corefile it starts.
 */
import { definePlugin, type PluginDefinition } from '../../plugin/define.js';
import { HandlerError, nextOrFailure, type Handler } from '../../plugin/handler.js';
import type { Request } from '../../plugin/request.js';
import type { ResponseWriter } from '../../plugin/writer.js';
import { Flag, Rcode } from '../../wire/constants.js';
import type { Message } from '../../wire/types.js';

const text = new TextEncoder();

/** Events recorded by the test plugins, in order: "mark:a", "hook:x:startup", ... */
export const events: string[] = [];

/** TXT answer whose text names the block that answered. */
function txtAnswer(req: Request, value: string): Message {
  const msg = req.reply();
  msg.flags |= Flag.AA;
  msg.answers.push({ name: req.qname, type: 'TXT', class: 'IN', ttl: 0, data: [text.encode(value)] });
  return msg;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `answer TEXT [delay MS]`: answers every query with a TXT record TEXT (the zone is
 * appended when TEXT is `zone`), after MS milliseconds when a delay is given (async path).
 */
export const answerPlugin = definePlugin({
  name: 'answer',
  setup(c) {
    c.next();
    const args = c.remainingArgs();
    if (args.length !== 1 && args.length !== 3) throw c.argErr();
    const value = args[0] === 'zone' ? `zone ${c.zone}` : args[0];
    const ms = args.length === 3 ? Number(args[2]) : -1;
    c.addHandler(() => ({
      name: 'answer',
      serveDNS(req: Request, w: ResponseWriter) {
        events.push(`answer:${value}`);
        if (ms < 0) {
          w.write(txtAnswer(req, value));
          return Rcode.NOERROR;
        }
        return delay(ms).then(() => {
          w.write(txtAnswer(req, value));
          return Rcode.NOERROR;
        });
      },
    }));
  },
});

/** `mark NAME`: records "mark:NAME" and passes the query on. Several marks show chain order. */
function markPlugin(directive: string): PluginDefinition {
  return definePlugin({
    name: directive,
    setup(c) {
      c.next();
      const name = c.remainingArgs()[0] ?? directive;
      c.addHandler((next) => ({
        name: directive,
        serveDNS(req, w) {
          events.push(`mark:${name}`);
          return nextOrFailure(directive, next, req, w);
        },
      }));
    },
  });
}
export const markA = markPlugin('marka');
export const markB = markPlugin('markb');
export const markC = markPlugin('markc');

/**
 * `fail MODE [ARG]`: `throw` (an Error), `handler RCODE` (a HandlerError), `return RCODE`
 * (a not-written rcode), `reject` (an async Error), `write-then-return` (writes NXDOMAIN,
 * returns SERVFAIL: the server must not write twice).
 */
export const failPlugin = definePlugin({
  name: 'fail',
  setup(c) {
    c.next();
    const [mode, arg] = c.remainingArgs();
    c.addHandler(
      (): Handler => ({
        name: 'fail',
        serveDNS(req, w) {
          switch (mode) {
            case 'throw':
              throw new Error('boom');
            case 'handler':
              throw new HandlerError('fail', 'handled failure', Number(arg));
            case 'return':
              return Number(arg);
            case 'reject':
              return delay(5).then(() => {
                throw new Error('async boom');
              });
            case 'write-then-return':
              w.write(req.reply(Rcode.NXDOMAIN));
              return Rcode.SERVFAIL;
            default:
              throw new Error(`unknown fail mode ${mode}`);
          }
        },
      }),
    );
  },
});

/**
 * `hooks NAME [fail KIND]`: registers every lifecycle hook, each recording
 * "hook:NAME:KIND"; with `fail KIND` that hook throws after recording.
 */
export const hooksPlugin = definePlugin({
  name: 'hooks',
  setup(c) {
    c.next();
    const [name, failWord, failKind] = c.remainingArgs();
    if (failWord !== undefined && failWord !== 'fail') throw c.err(`unexpected '${failWord}'`);
    events.push(`setup:${name}`);
    const hook = (kind: string) => () => {
      events.push(`hook:${name}:${kind}`);
      if (kind === failKind) throw new Error(`${kind} failed on purpose`);
    };
    c.onFirstStartup(hook('firstStartup'));
    c.onStartup(hook('startup'));
    c.onRestart(hook('restart'));
    c.onRestartFailed(hook('restartFailed'));
    c.onShutdown(hook('shutdown'));
    c.onFinalShutdown(hook('finalShutdown'));
  },
});

/** `listen ADDR...`: sets the key's listen addresses (what the real `bind` does). */
export const listenPlugin = definePlugin({
  name: 'listen',
  setup(c) {
    c.next();
    c.config.listenHosts.push(...c.remainingArgs());
  },
});

/** `debugon`: sets the key's debug flag (what the real `debug` does). */
export const debugPlugin = definePlugin({
  name: 'debugon',
  once: true,
  setup(c) {
    c.next();
    c.config.debug = true;
  },
});

/** `many COUNT`: answers with COUNT A records (198.51.100.x), to exercise truncation. */
export const manyPlugin = definePlugin({
  name: 'many',
  setup(c) {
    c.next();
    const count = Number(c.remainingArgs()[0]);
    c.addHandler(() => ({
      name: 'many',
      serveDNS(req, w) {
        const msg = req.reply();
        for (let i = 0; i < count; i++) {
          msg.answers.push({
            name: req.qname,
            type: 'A',
            class: 'IN',
            ttl: 60,
            data: `198.51.100.${i % 256}`,
          });
        }
        w.write(msg);
        return Rcode.NOERROR;
      },
    }));
  },
});

/** A plugin that only configures (no handler), like `root`. */
export const configOnlyPlugin = definePlugin({
  name: 'configonly',
  setup(c) {
    while (c.next()) c.remainingArgs();
  },
});

/** Every test plugin in "plugin.cfg" order: marks come before the answering plugins. */
export const testPlugins: readonly PluginDefinition[] = [
  debugPlugin,
  listenPlugin,
  hooksPlugin,
  configOnlyPlugin,
  markA,
  markB,
  markC,
  failPlugin,
  manyPlugin,
  answerPlugin,
];
