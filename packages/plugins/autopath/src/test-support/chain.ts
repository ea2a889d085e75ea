import {
  Flag,
  Rcode,
  getRcode,
  setFlag,
  type Handler,
  type Message,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';

/**
 * The rest of a chain as a table of names: a name with addresses gets A records, a name in
 * `empty` gets NODATA, `failing` names get SERVFAIL (nothing written), every other name
 * NXDOMAIN. Asked names are recorded in order. With `async`, answers come in a Promise, as
 * from forward.
 */
export class TableChain implements Handler {
  readonly name = 'table';
  readonly asked: string[] = [];
  async = false;

  constructor(
    private readonly addresses: Readonly<Record<string, readonly string[]>>,
    private readonly empty: readonly string[] = [],
    private readonly failing: readonly string[] = [],
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const rcode = this.answer(req, w);
    return this.async ? new Promise((resolve) => setTimeout(() => resolve(rcode), 1)) : rcode;
  }

  private answer(req: Request, w: ResponseWriter): number {
    const name = req.name;
    this.asked.push(name);
    if (this.failing.includes(name)) return Rcode.SERVFAIL;
    const addresses = this.addresses[name];
    let reply: Message;
    if (addresses !== undefined) {
      reply = req.reply();
      for (const a of addresses)
        reply.answers.push({ name: req.qname, type: 'A', class: 'IN', ttl: 30, data: a });
    } else if (this.empty.includes(name)) {
      reply = req.reply();
    } else {
      reply = req.reply(Rcode.NXDOMAIN);
    }
    setFlag(reply, Flag.AA, true);
    w.write(reply);
    return getRcode(reply);
  }
}
