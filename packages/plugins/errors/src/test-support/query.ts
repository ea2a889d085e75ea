import {
  Flag,
  Request,
  createOpt,
  encodeMessage,
  type Message,
  type ResponseWriter,
  type Transport,
} from '@tsdns/core';

/** A writer that keeps what it is given and reports its encoded size, as the server's do. */
export class CaptureWriter implements ResponseWriter {
  readonly written: Message[] = [];
  constructor(
    readonly transport: Transport = 'udp',
    readonly remoteAddress = '127.0.0.1',
    readonly remotePort = 40212,
    readonly localAddress = '127.0.0.1',
    readonly localPort = 53,
  ) {}
  write(msg: Message): number {
    this.written.push(msg);
    return encodeMessage(msg).length;
  }
}

export interface QueryInit {
  id?: number;
  flags?: number;
  qclass?: string;
  /** EDNS UDP size; adds an OPT record */
  bufsize?: number;
  do?: boolean;
}

export function queryMessage(name: string, type = 'A', init: QueryInit = {}): Message {
  const additionals: Message['additionals'] = [];
  if (init.bufsize !== undefined || init.do) {
    additionals.push(createOpt({ udpPayloadSize: init.bufsize ?? 1232, dnssecOk: init.do ?? false }));
  }
  return {
    id: init.id ?? 4242,
    flags: init.flags ?? Flag.RD,
    questions: [{ name, type, class: init.qclass ?? 'IN' }],
    answers: [],
    authorities: [],
    additionals,
  };
}

export function request(msg: Message, w: ResponseWriter = new CaptureWriter()): Request {
  return new Request(msg, w);
}
