import { HandlerError, wasWritten } from '../plugin/handler.js';
import type { Request } from '../plugin/request.js';
import type { NonWriter } from '../plugin/recorder.js';
import { Rcode } from '../wire/constants.js';
import type { Message } from '../wire/types.js';
import type { Router } from './router.js';

/**
 * Serves an upstream lookup (plugin/upstream.ts) through the router of the listener the
 * original query came in on: the most specific server block for its name, then that
 * block's chain, with the server's rules for what the chain returns: an rcode meaning
 * "nothing written" or a HandlerError becomes that error response; any other exception
 * rejects, for the plugin that asked to handle (or for the `errors` plugin to report).
 */
export async function serveUpstream(router: Router, req: Request, w: NonWriter): Promise<Message> {
  if (!router.anyClass && req.qclass !== 'IN') return req.reply(Rcode.REFUSED);
  const site = router.route(req);
  if (site === undefined || site.chain === undefined) return req.reply(Rcode.REFUSED);
  req.zone = site.config.zone;
  let rcode: number;
  try {
    rcode = await site.chain.serveDNS(req, w);
  } catch (e) {
    if (e instanceof HandlerError) return w.msg ?? req.reply(e.rcode);
    throw e;
  }
  if (w.msg !== undefined) return w.msg;
  return req.reply(wasWritten(rcode) ? Rcode.SERVFAIL : rcode);
}
