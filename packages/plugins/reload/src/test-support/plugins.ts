import { Rcode, definePlugin } from '@tsdns/core';

const encoder = new TextEncoder();

/** `answer TEXT`: answers every query with one TXT record holding TEXT. */
export const answerPlugin = definePlugin({
  name: 'answer',
  setup(c) {
    c.next();
    const args = c.remainingArgs();
    if (args.length !== 1) throw c.argErr();
    const text = args[0];
    c.addHandler(() => ({
      name: 'answer',
      serveDNS(req, w) {
        const msg = req.reply();
        msg.answers.push({ name: req.qname, type: 'TXT', class: 'IN', ttl: 0, data: [encoder.encode(text)] });
        w.write(msg);
        return Rcode.NOERROR;
      },
    }));
  },
});
