import { Rcode, definePlugin, type Handler, type Readiness } from '@tsdns/core';

/** Readiness switches the tests flip, by name. */
export const switches = new Map<string, boolean>();

/**
 * `gate NAME`: a handler named "gate" that is ready while switches.get(NAME) is true, and
 * passes queries on. `gate2 NAME` is the same under another plugin name.
 */
function gatePlugin(directive: string) {
  return definePlugin({
    name: directive,
    setup(c) {
      c.next();
      const key = c.remainingArgs()[0] ?? directive;
      c.addHandler((next) => {
        const h: Handler & Readiness = {
          name: directive,
          ready: () => switches.get(key) === true,
          serveDNS: (req, w) => (next === undefined ? Rcode.SERVFAIL : next.serveDNS(req, w)),
        };
        return h;
      });
    },
  });
}
export const gate = gatePlugin('gate');
export const gate2 = gatePlugin('gate2');

/** `answer`: answers every query NOERROR. */
export const answerPlugin = definePlugin({
  name: 'answer',
  setup(c) {
    c.next();
    c.addHandler(() => ({
      name: 'answer',
      serveDNS(req, w) {
        w.write(req.reply());
        return Rcode.NOERROR;
      },
    }));
  },
});

/** `linger MS`: in the final shutdown, waits MS milliseconds (as health's lameduck does). */
export const lingerPlugin = definePlugin({
  name: 'linger',
  setup(c) {
    c.next();
    const ms = Number(c.remainingArgs()[0]);
    c.onFinalShutdown(() => new Promise((resolve) => setTimeout(resolve, ms)));
  },
});
