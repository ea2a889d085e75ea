import { connect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Flag, Rcode, decodeMessage, encodeMessage, getRcode, type Message } from '@tsdns/core';
import { query } from '../client.js';
import { FrameReader, frameMessage } from '../frame.js';
import { buildQuery } from '../query-message.js';
import { hasTool } from '../tools.js';
import { startUnbound, type Unbound } from './unbound.js';

const DATA = [
  'example.net. 300 IN SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 300',
  'www.example.net. 300 IN A 192.0.2.10',
];

let unbound: Unbound | undefined;
afterEach(async () => {
  await unbound?.stop();
  unbound = undefined;
});

/** One query over DNS-over-TLS, verifying the server against `ca` as `servername`. */
function queryTls(port: number, ca: string, servername: string, msg: Message): Promise<Message> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: readFileSync(ca), servername }, () =>
      socket.write(frameMessage(encodeMessage(msg))),
    );
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      const [frame] = reader.push(chunk);
      if (frame === undefined) return;
      socket.end();
      resolve(decodeMessage(frame));
    });
    socket.once('error', reject);
  });
}

describe.skipIf(!hasTool('unbound'))('startUnbound', () => {
  it('answers from local data, statically: nothing else resolves', async () => {
    unbound = await startUnbound({ localData: DATA, localZones: ['example.net.'] });
    const www = await query(unbound.target, 'www.example.net.', 'A');
    expect(www.answers.map((rr) => (rr.type === 'A' ? rr.data : rr.type))).toEqual(['192.0.2.10']);
    expect(www.flags & Flag.RA).toBe(Flag.RA);
    expect(getRcode(await query(unbound.target, 'nope.example.net.', 'A'))).toBe(Rcode.NXDOMAIN);
    // The root is a static local zone too: no query leaves the machine.
    expect(getRcode(await query(unbound.target, 'example.com.', 'A', { timeout: 1000 }))).toBe(
      Rcode.NXDOMAIN,
    );
  });

  it.skipIf(!hasTool('openssl'))('serves DNS over TLS with a test CA when asked', async () => {
    unbound = await startUnbound({ localData: DATA, localZones: ['example.net.'], tls: true });
    const { tlsPort, ca } = unbound;
    expect(tlsPort).toBeTypeOf('number');
    expect(ca).toBeDefined();
    const reply = await queryTls(
      tlsPort as number,
      ca!.caCert,
      ca!.serverName,
      buildQuery('www.example.net', 'A'),
    );
    expect(reply.answers.map((rr) => (rr.type === 'A' ? rr.data : rr.type))).toEqual(['192.0.2.10']);
    await expect(
      queryTls(tlsPort as number, ca!.caCert, 'wrong.test', buildQuery('www.example.net', 'A')),
    ).rejects.toThrow(/altnames/);
  });
});
