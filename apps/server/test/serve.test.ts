// The built `tsdns` serving real clients: the harness client, Knot's kdig and BIND's dig.
import { beforeAll, describe, expect, it } from 'vitest';
import { Flag, Opcode, Rcode, getOpt, getRcode, hasFlag, type Message } from '@tsdns/core';
import { dig, hasTool, kdig, query, sendRaw, TcpClient, type DigResult } from '@tsdns/testing';
import { startTsdns, type TsdnsProcess } from './support/tsdns-process.js';

const HAS_KDIG = hasTool('kdig');
const HAS_DIG = hasTool('dig');

/**
 * Two ports. On the first, example.org and its child zone sub.example.org (which alone logs
 * its queries); on the second, only example.net, bound to 127.0.0.1.
 */
const corefile = (p: readonly number[]): string => `
example.org:${p[0]} {
    whoami
}
sub.example.org:${p[0]} {
    log
    whoami
}
example.net:${p[1]} {
    bind 127.0.0.1
    errors
    whoami
}
`;

let server: TsdnsProcess;
let port: number;
let port2: number;

beforeAll(async () => {
  server = await startTsdns({ corefile, portCount: 2 });
  [port, port2] = server.ports;
});

/**
 * whoami's answer, as CoreDNS's: an empty answer section, and in the additional section the
 * client's address under the query name and its port and transport in an SRV record.
 */
function expectWhoami(msg: Message, name: string, transport: 'udp' | 'tcp'): void {
  expect(getRcode(msg)).toBe(Rcode.NOERROR);
  expect(hasFlag(msg, Flag.QR) && hasFlag(msg, Flag.AA)).toBe(true);
  expect(msg.answers).toEqual([]);
  const extra = msg.additionals.filter((r) => r.type !== 'OPT');
  expect(extra[0]).toEqual({ name, type: 'A', class: 'IN', ttl: 0, data: '127.0.0.1' });
  expect(extra[1]).toMatchObject({ name: `_${transport}.${name}`, type: 'SRV', class: 'IN', ttl: 0 });
  if (extra[1]?.type === 'SRV') {
    expect(extra[1].data).toMatchObject({ priority: 0, weight: 0, target: '.' });
    expect(extra[1].data.port).toBeGreaterThan(0);
  }
}

function expectWhoamiText(r: DigResult, name: string, transport: 'UDP' | 'TCP'): void {
  expect(r.exitCode).toBe(0);
  expect(r.status).toBe('NOERROR');
  expect(r.flags).toEqual(expect.arrayContaining(['qr', 'aa']));
  expect(r.transport).toBe(transport);
  expect(r.answer).toEqual([]);
  expect(r.additional.map((a) => [a.name, a.ttl, a.class, a.type, a.rdata])[0]).toEqual([
    name,
    0,
    'IN',
    'A',
    '127.0.0.1',
  ]);
  const srv = r.additional.find((a) => a.type === 'SRV');
  expect(srv?.name).toBe(`_${transport.toLowerCase()}.${name}`);
  expect(srv?.rdata).toMatch(/^0 0 \d+ \.$/);
}

describe('whoami over UDP and TCP', () => {
  it('answers the harness client', async () => {
    expectWhoami(await query({ port }, 'a.example.org', 'A'), 'a.example.org.', 'udp');
    expectWhoami(await query({ port }, 'a.example.org', 'A', { transport: 'tcp' }), 'a.example.org.', 'tcp');
  });

  it('answers pipelined queries on one TCP connection', async () => {
    const client = await TcpClient.connect({ port });
    try {
      const names = Array.from({ length: 20 }, (_, i) => `q${i}.example.org.`);
      const answers = await Promise.all(names.map((n) => client.query(n, 'A')));
      answers.forEach((m, i) => expectWhoami(m, names[i], 'tcp'));
    } finally {
      client.close();
    }
  });

  it.skipIf(!HAS_KDIG)('answers kdig', async () => {
    expectWhoamiText(await kdig(['b.example.org', 'A'], { target: { port } }), 'b.example.org.', 'UDP');
    expectWhoamiText(
      await kdig(['+tcp', 'b.example.org', 'A'], { target: { port } }),
      'b.example.org.',
      'TCP',
    );
  });

  it.skipIf(!HAS_DIG)('answers dig', async () => {
    expectWhoamiText(await dig(['c.example.org', 'A'], { target: { port } }), 'c.example.org.', 'UDP');
    expectWhoamiText(
      await dig(['+tcp', 'c.example.org', 'A'], { target: { port } }),
      'c.example.org.',
      'TCP',
    );
  });

  it.skipIf(!HAS_DIG)('echoes EDNS: the OPT record with the DO bit the client set', async () => {
    const r = await dig(['+dnssec', '+bufsize=1400', 'd.example.org', 'A'], { target: { port } });
    expect(r.edns).toMatchObject({ version: 0, flags: ['do'] });
    const m = await query({ port }, 'd.example.org', 'A', { do: true });
    expect(getOpt(m)).toMatchObject({ ednsVersion: 0 });
  });
});

describe('routing to server blocks', () => {
  it('picks the most specific zone on a port, each with its own chain', async () => {
    expectWhoami(await query({ port }, 'x.sub.example.org', 'A'), 'x.sub.example.org.', 'udp');
    expectWhoami(await query({ port }, 'y.example.org', 'A'), 'y.example.org.', 'udp');
    // Only the sub.example.org block has `log`.
    await server.waitForStdout(/\[INFO\] 127\.0\.0\.1:\d+ - \d+ "A IN x\.sub\.example\.org\. udp /);
    expect(server.stdout()).not.toMatch(/"A IN y\.example\.org\./);
  });

  it('routes by port: each port serves only its own blocks, others are REFUSED', async () => {
    expectWhoami(await query({ port: port2 }, 'example.net', 'A'), 'example.net.', 'udp');
    expect(getRcode(await query({ port: port2 }, 'example.org', 'A'))).toBe(Rcode.REFUSED);
    expect(getRcode(await query({ port }, 'example.net', 'A'))).toBe(Rcode.REFUSED);
  });

  it.skipIf(!HAS_KDIG || !HAS_DIG)(
    'REFUSED for a zone that is not served, seen by kdig and dig',
    async () => {
      const k = await kdig(['example.com', 'A'], { target: { port } });
      expect(k.status).toBe('REFUSED');
      expect(k.answer).toEqual([]);
      const d = await dig(['example.com', 'A'], { target: { port: port2 } });
      expect(d.status).toBe('REFUSED');
    },
  );
});

describe('malformed and unsupported queries', () => {
  /** A header with one question, then bytes that are no question at all. */
  function headerThenGarbage(id: number): Uint8Array {
    return new Uint8Array([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0xfd, 0x03]);
  }

  it('FORMERR for garbage after a valid header, over UDP and TCP', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const reply = await sendRaw({ port }, headerThenGarbage(0xbeef), transport);
      expect(reply, transport).toBeDefined();
      const bytes = reply!;
      expect((bytes[0] << 8) | bytes[1]).toBe(0xbeef);
      expect(bytes[2] & 0x80).toBe(0x80); // QR
      expect(bytes[3] & 0x0f).toBe(Rcode.FORMERR);
    }
    // And the server carries on.
    expectWhoami(await query({ port }, 'after.example.org', 'A'), 'after.example.org.', 'udp');
  });

  it('drops a datagram too short to hold a header', async () => {
    expect(await sendRaw({ port }, new Uint8Array([1, 2, 3, 4, 5]), 'udp', { timeout: 500 })).toBeUndefined();
    expectWhoami(await query({ port }, 'after.example.org', 'A'), 'after.example.org.', 'udp');
  });

  it('NOTIMP for opcodes other than QUERY and NOTIFY', async () => {
    for (const opcode of [Opcode.STATUS, Opcode.UPDATE, 3]) {
      const m = await query({ port }, 'example.org', 'SOA', { opcode });
      expect(getRcode(m), `opcode ${opcode}`).toBe(Rcode.NOTIMP);
      expect(hasFlag(m, Flag.QR)).toBe(true);
    }
  });

  it.skipIf(!HAS_DIG)('NOTIMP for an UPDATE sent by dig', async () => {
    const r = await dig(['+opcode=update', 'example.org', 'SOA'], { target: { port } });
    expect(r.opcode).toBe('UPDATE');
    expect(r.status).toBe('NOTIMP');
  });

  it('BADVERS for an EDNS version above 0, with an OPT of version 0', async () => {
    const m = await query({ port }, 'example.org', 'A', { ednsVersion: 1 });
    expect(getRcode(m)).toBe(Rcode.BADVERS);
    expect(getOpt(m)).toMatchObject({ ednsVersion: 0 });
    expect(m.answers).toEqual([]);
  });

  it.skipIf(!HAS_KDIG)('BADVERS as kdig +edns=1 sees it', async () => {
    const r = await kdig(['+edns=1', 'example.org', 'A'], { target: { port } });
    expect(r.status).toBe('BADVERS');
    expect(r.edns?.version).toBe(0);
  });
});
