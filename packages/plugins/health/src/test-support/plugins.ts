import { Rcode, definePlugin } from '@tsdns/core';

/** `answer`: answers every query NOERROR with an empty answer section. */
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
