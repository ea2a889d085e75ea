import {
  isSubdomain,
  nextOrFailure,
  Rcode,
  type Handler,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';

const PLUGIN = 'loop';

/** `ip:port` as Go prints a socket address: IPv6 in brackets. */
function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * CoreDNS's loop plugin: counts how often its own probe query (`HINFO <random>.<random>.ZONE`,
 * sent to this server at startup) passes through; a third sighting means the query went
 * round a forwarding loop, which is fatal. Every other query, and every query once the
 * probe is done (disabled), goes straight to the next plugin.
 */
export class Loop implements Handler {
  readonly name = PLUGIN;
  next: Handler | undefined;
  /** Times the probe was seen since the last (re)send. */
  seen = 0;
  /** Set once the probe got an answer or its time ran out: from then on the plugin does nothing. */
  disabled = false;
  /** Where the probe is sent, as CoreDNS prints it (":1053" when not bound to an address). */
  address = '';
  /** Set after `fatal` returned (only in tests): the loop is cut by refusing the probe. */
  #tripped = false;

  constructor(
    /** The first zone of the server block. */
    readonly zone: string,
    /** The probe name, lowercase. */
    readonly qname: string,
    /** Ends the process with the message (CoreDNS's log.Fatal); injectable for tests. */
    private readonly fatal: (message: string) => void,
  ) {}

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    if (req.qtype !== 'HINFO' || this.disabled) return nextOrFailure(PLUGIN, this.next, req, w);
    if (!isSubdomain(req.name, this.zone)) return nextOrFailure(PLUGIN, this.next, req, w);
    if (req.name === this.qname) {
      if (this.#tripped) return Rcode.SERVFAIL;
      this.seen++;
    }
    if (this.seen > 2) {
      this.fatal(
        `Loop (${hostPort(req.ip, req.port)} -> ${this.address}) detected for zone ${JSON.stringify(this.zone)}, ` +
          `see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO ${this.qname}"`,
      );
      this.#tripped = true;
      return Rcode.SERVFAIL;
    }
    return nextOrFailure(PLUGIN, this.next, req, w);
  }
}
