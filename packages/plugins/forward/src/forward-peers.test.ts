/**
 * forward against real DNS servers on loopback: Knot (authoritative), Unbound (recursive over
 * local data) and Unbound's DNS-over-TLS port with a CA made for the test.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Flag, getRcode, Rcode } from '@tsdns/core';
import {
  dig,
  hasTool,
  kdig,
  startKnot,
  startUnbound,
  waitFor,
  type Knot,
  type Unbound,
} from '@tsdns/testing';
import { answerData, server } from './test-support/harness.js';

/** The zone Knot serves: example.org with a few names. */
const EXAMPLE_ORG_ZONE = `$ORIGIN example.org.
$TTL 300
@        SOA  ns1 hostmaster 2024010101 3600 600 86400 300
@        NS   ns1
ns1      A    192.0.2.1
www      A    192.0.2.80
www      AAAA 2001:db8::80
alias    CNAME www
`;

/** Records Unbound serves: example.net (www A, txt TXT, big: many A records). */
const EXAMPLE_NET_DATA: readonly string[] = [
  'example.net. 300 IN SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 300',
  'www.example.net. 300 IN A 192.0.2.10',
  'txt.example.net. 300 IN TXT "served by unbound"',
  ...Array.from({ length: 60 }, (_, i) => `big.example.net. 300 IN A 198.51.100.${i + 1}`),
];

/** Knot serving example.org, on `port` when given. */
function exampleOrgKnot(port?: number): Promise<Knot> {
  return startKnot({ zones: [{ origin: 'example.org.', text: EXAMPLE_ORG_ZONE }], port });
}

/**
 * Unbound answering example.net; every other name gets a static negative answer from the
 * root local zone, so the health check `. IN NS` is answered without touching the network.
 */
function exampleNetUnbound(tls = false): Promise<Unbound> {
  return startUnbound({ localData: EXAMPLE_NET_DATA, localZones: ['example.net.'], tls });
}

describe.skipIf(!hasTool('knotd'))('forward to Knot', () => {
  let knot: Knot;
  beforeAll(async () => {
    knot = await exampleOrgKnot();
  });
  afterAll(async () => {
    await knot?.stop();
  });

  it("answers from Knot's zone over UDP and TCP, keeping Knot's flags", async () => {
    const { server: s } = await server(`forward example.org ${knot.addr}`);
    for (const transport of ['udp', 'tcp'] as const) {
      const r = await s.query('www.example.org', 'A', { transport });
      expect(getRcode(r)).toBe(Rcode.NOERROR);
      expect(r.flags & Flag.AA).toBe(Flag.AA);
      expect(answerData(r)).toEqual(['192.0.2.80']);
    }
    const nx = await s.query('nope.example.org', 'A');
    expect(getRcode(nx)).toBe(Rcode.NXDOMAIN);
    expect(nx.authorities.map((rr) => rr.type)).toEqual(['SOA']);
    const cname = await s.query('alias.example.org', 'AAAA', { do: true });
    expect(cname.answers.map((rr) => rr.type)).toEqual(['CNAME', 'AAAA']);
  });

  it.skipIf(!hasTool('kdig'))('serves kdig and dig through tsdns', async () => {
    const { server: s } = await server(`forward . ${knot.addr}`);
    const k = await kdig(['www.example.org', 'AAAA'], { target: s.target });
    expect(k.status).toBe('NOERROR');
    expect(k.answer.map((a) => a.rdata)).toEqual(['2001:db8::80']);
    const t = await kdig(['+tcp', 'www.example.org', 'A'], { target: s.target });
    expect(t.answer.map((a) => a.rdata)).toEqual(['192.0.2.80']);
    if (hasTool('dig')) {
      const d = await dig(['example.org', 'SOA'], { target: s.target });
      expect(d.status).toBe('NOERROR');
      expect(d.answer[0].type).toBe('SOA');
    }
  });

  it('stopping Knot: SERVFAIL, Knot marked down by the health checks; restarting it: answers again', async () => {
    const own = await exampleOrgKnot();
    let stopped = false;
    onTestFinished(async () => {
      if (!stopped) await own.stop();
    });
    const { server: s, forwards } = await server(
      `forward . ${own.addr} {\n max_fails 1\n health_check 100ms\n read_timeout 300ms\n}`,
    );
    const [up] = forwards[0].upstreams;
    expect(answerData(await s.query('www.example.org', 'A'))).toEqual(['192.0.2.80']);

    await own.stop();
    stopped = true;
    expect(getRcode(await s.query('www.example.org', 'A', { timeout: 3000 }))).toBe(Rcode.SERVFAIL);
    await waitFor(() => up.isDown(1), { timeout: 4000, what: 'Knot to be marked down' });
    expect(up.stats.healthcheckFailures).toBeGreaterThanOrEqual(2);

    // A new Knot on the same port: the running health checks notice it.
    const again = await exampleOrgKnot(own.port);
    onTestFinished(() => again.stop());
    await waitFor(() => !up.isDown(1), { timeout: 4000, what: 'Knot to be healthy again' });
    expect(answerData(await s.query('www.example.org', 'A'))).toEqual(['192.0.2.80']);
  });
});

describe.skipIf(!hasTool('unbound'))('forward to Unbound', () => {
  let unbound: Unbound;
  beforeAll(async () => {
    unbound = await exampleNetUnbound();
  });
  afterAll(async () => {
    await unbound?.stop();
  });

  it('answers recursive queries from Unbound, with RA from Unbound', async () => {
    const { server: s } = await server(`forward . ${unbound.addr}`);
    const r = await s.query('www.example.net', 'A');
    expect(answerData(r)).toEqual(['192.0.2.10']);
    expect(r.flags & Flag.RA).toBe(Flag.RA);
    const txt = await s.query('txt.example.net', 'TXT', { transport: 'tcp' });
    expect(txt.answers).toHaveLength(1);
  });

  it('a big answer: truncated to a UDP client without EDNS, whole over TCP; kdig gets it all', async () => {
    const { server: s } = await server(`forward . ${unbound.addr}`);
    const udp = await s.query('big.example.net', 'A');
    expect(udp.flags & Flag.TC).toBe(Flag.TC);
    const tcp = await s.query('big.example.net', 'A', { transport: 'tcp' });
    expect(tcp.answers).toHaveLength(60);
    if (hasTool('kdig')) {
      const k = await kdig(['+noedns', 'big.example.net', 'A'], { target: s.target });
      expect(k.answer).toHaveLength(60);
    }
  });

  it('prefer_udp: a TCP client gets the whole answer after forward retried over TCP', async () => {
    const { server: s, forwards } = await server(`forward . ${unbound.addr} {\n prefer_udp\n}`);
    const r = await s.query('big.example.net', 'A', { transport: 'tcp' });
    expect(r.flags & Flag.TC).toBe(0);
    expect(r.answers).toHaveLength(60);
    const stats = forwards[0].upstreams[0].stats;
    expect(stats.connCacheMisses.udp + stats.connCacheHits.udp).toBe(1);
    expect(stats.connCacheMisses.tcp).toBe(1);
  });

  it('health checks to Unbound succeed (its static root zone answers `. IN NS`)', async () => {
    const { server: s, forwards } = await server(
      `forward . 127.0.0.1:1 ${unbound.addr} {\n policy sequential\n health_check 50ms\n}`,
    );
    // The first upstream (port 1) refuses; Unbound answers and stays healthy.
    expect(answerData(await s.query('www.example.net', 'A'))).toEqual(['192.0.2.10']);
    const [, ub] = forwards[0].upstreams;
    expect(ub.fails).toBe(0);
    ub.healthcheck();
    await waitFor(() => !ub.checking, { timeout: 2000, what: 'the check to finish' });
    expect(ub.fails).toBe(0);
    expect(ub.stats.healthcheckFailures).toBe(0);
  });
});

describe.skipIf(!hasTool('unbound') || !hasTool('openssl'))('forward over DNS-over-TLS to Unbound', () => {
  let unbound: Unbound;
  beforeAll(async () => {
    unbound = await exampleNetUnbound(true);
  });
  afterAll(async () => {
    await unbound?.stop();
  });

  function tlsAddr(): string {
    return `tls://127.0.0.1:${unbound.tlsPort}`;
  }

  it('tls CERT KEY CA with tls_servername: answers over TLS and reuses the connection', async () => {
    const pki = unbound.ca!;
    const { server: s, forwards } = await server(
      `forward . ${tlsAddr()} {\n tls ${pki.clientCert} ${pki.clientKey} ${pki.caCert}\n tls_servername ${pki.serverName}\n}`,
    );
    for (const transport of ['udp', 'tcp', 'udp'] as const) {
      expect(answerData(await s.query('www.example.net', 'A', { transport }))).toEqual(['192.0.2.10']);
    }
    const stats = forwards[0].upstreams[0].stats;
    expect(stats.connCacheMisses['tcp-tls']).toBe(1);
    expect(stats.connCacheHits['tcp-tls']).toBe(2);
    expect(stats.connCacheMisses.udp + stats.connCacheMisses.tcp).toBe(0);
  });

  it('tls CA alone, server name from tls://IP%NAME', async () => {
    const pki = unbound.ca!;
    const { server: s } = await server(
      `forward . tls://127.0.0.1%${pki.serverName}:${unbound.tlsPort} {\n tls ${pki.caCert}\n}`,
    );
    expect(answerData(await s.query('www.example.net', 'A'))).toEqual(['192.0.2.10']);
  });

  it('verifies the certificate against the IP address when no server name is given', async () => {
    const pki = unbound.ca!;
    const { server: s } = await server(`forward . ${tlsAddr()} {\n tls ${pki.caCert}\n}`);
    expect(answerData(await s.query('www.example.net', 'A'))).toEqual(['192.0.2.10']);
  });

  it('refuses a server whose certificate does not match tls_servername, or is not signed by the CA', async () => {
    const pki = unbound.ca!;
    const { server: wrongName } = await server(
      `forward . ${tlsAddr()} {\n tls ${pki.caCert}\n tls_servername other.test\n max_fails 0\n}`,
    );
    expect(getRcode(await wrongName.query('www.example.net', 'A', { timeout: 4000 }))).toBe(Rcode.SERVFAIL);
    // No CA given: the system roots do not know the test CA.
    const { server: unknownCa } = await server(
      `forward . ${tlsAddr()} {\n tls_servername ${pki.serverName}\n max_fails 0\n}`,
    );
    expect(getRcode(await unknownCa.query('www.example.net', 'A', { timeout: 4000 }))).toBe(Rcode.SERVFAIL);
  });

  it('health checks go over TLS', async () => {
    const pki = unbound.ca!;
    const { forwards } = await server(
      `forward . ${tlsAddr()} {\n tls ${pki.caCert}\n tls_servername ${pki.serverName}\n health_check 50ms\n}`,
    );
    const [up] = forwards[0].upstreams;
    up.healthcheck();
    await waitFor(() => !up.checking, { timeout: 3000, what: 'the TLS health check to finish' });
    expect(up.stats.healthcheckFailures).toBe(0);
    // The check used a connection of its own, not the pool.
    expect(up.stats.connCacheMisses['tcp-tls']).toBe(0);
  });
});
