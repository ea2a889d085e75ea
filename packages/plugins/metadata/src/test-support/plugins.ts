import { Rcode, definePlugin, nextOrFailure, type Handler, type MetadataProvider } from '@tsdns/core';

/** How often the provider's value functions ran: to show that values are computed lazily. */
export const computed = { client: 0, qtype: 0 };

/**
 * `provide`: a metadata provider (and a handler that passes queries on) publishing
 * `test/client` (the client's address) and `test/qtype` (the query type, lowercased).
 */
export const providePlugin = definePlugin({
  name: 'provide',
  setup(c) {
    c.next();
    c.addHandler((next) => {
      const h: Handler & MetadataProvider = {
        name: 'provide',
        metadata(req) {
          req.setMetadata('test/client', () => {
            computed.client++;
            return req.ip;
          });
          req.setMetadata('test/qtype', () => {
            computed.qtype++;
            return req.qtype.toLowerCase();
          });
        },
        serveDNS: (req, w) => nextOrFailure('provide', next, req, w),
      };
      return h;
    });
  },
});

/** `answer`: answers every query NOERROR, empty. */
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
