/**
 * Plugins for the tests, configured from the Corefile: what answers behind prometheus.
 */
import { Flag, HandlerError, Rcode, definePlugin, nextOrFailure, type Request } from '@tsdns/core';

/** The rcode a query name asks for: "nxdomain.example.org." -> NXDOMAIN, else NOERROR. */
function rcodeFor(req: Request): number {
  const first = req.name.split('.')[0].toUpperCase();
  return first in Rcode ? Rcode[first as keyof typeof Rcode] : Rcode.NOERROR;
}

/**
 * `respond [DELAY_MS]`: answers with the rcode the first label names (`nxdomain.`,
 * `refused.`...), an A record for NOERROR; after DELAY_MS milliseconds when given (an
 * asynchronous chain). `servfail.` returns SERVFAIL without writing (the server writes it);
 * `throw.` throws a HandlerError(REFUSED); `panic.` throws a plain Error.
 */
export const respondPlugin = definePlugin({
  name: 'respond',
  setup(c) {
    c.next();
    const args = c.remainingArgs();
    const delay = args.length > 0 ? Number(args[0]) : -1;
    c.addHandler(() => ({
      name: 'respond',
      serveDNS(req, w) {
        const answer = (): number => {
          const label = req.name.split('.')[0];
          if (label === 'servfail') return Rcode.SERVFAIL;
          if (label === 'throw') throw new HandlerError('respond', 'asked to fail', Rcode.REFUSED);
          if (label === 'panic') throw new Error('asked to panic');
          const rcode = rcodeFor(req);
          const msg = req.reply(rcode);
          msg.flags |= Flag.AA;
          if (rcode === Rcode.NOERROR && req.qtype === 'A')
            msg.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' });
          w.write(msg);
          return rcode;
        };
        if (delay < 0) return answer();
        return new Promise<void>((resolve) => setTimeout(resolve, delay)).then(answer);
      },
    }));
  },
});

/** `pass`: hands every query on (a plugin between prometheus and the one that answers). */
export const passPlugin = definePlugin({
  name: 'pass',
  setup(c) {
    c.next();
    c.addHandler((next) => ({ name: 'pass', serveDNS: (req, w) => nextOrFailure('pass', next, req, w) }));
  },
});

/** `listen HOST`: what `bind` does, without the bind plugin: the block listens on HOST only. */
export const listenPlugin = definePlugin({
  name: 'listen',
  setup(c) {
    c.next();
    c.config.listenHosts = c.remainingArgs();
  },
});
