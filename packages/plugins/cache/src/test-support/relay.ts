import { Rcode, definePlugin, type Message } from '@tsdns/core';
import { exchange, randomId } from '@tsdns/testing';

/**
 * A stand-in for *forward* in tests: `relay PORT` sends each query (with a fresh ID) to
 * 127.0.0.1:PORT over the client's transport (TCP for a background refresh) and writes the
 * reply with the client's ID. Without a reply in 500 ms it writes nothing and returns
 * SERVFAIL, as forward does when its upstreams fail.
 */
export const relay = definePlugin({
  name: 'relay',
  setup(c) {
    c.next();
    if (!c.nextArg()) throw c.argErr();
    const port = Number(c.val());
    c.addHandler(() => ({
      name: 'relay',
      async serveDNS(req, w) {
        const transport = req.transport === 'udp' ? 'udp' : 'tcp';
        let answer: Message;
        try {
          answer = await exchange({ port }, { ...req.msg, id: randomId() }, { transport, timeout: 500 });
        } catch {
          return Rcode.SERVFAIL;
        }
        w.write({ ...answer, id: req.id });
        return Rcode.NOERROR;
      },
    }));
  },
});
