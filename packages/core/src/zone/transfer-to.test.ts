import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { CorefileError } from '../corefile/errors.js';
import { Dispenser } from '../corefile/dispenser.js';
import { tokenize } from '../corefile/lexer.js';
import { AddressAcl } from '../plugin/acl.js';
import { Flag, Opcode } from '../wire/constants.js';
import { decodeMessage } from '../wire/decode.js';
import { encodeMessage } from '../wire/encode.js';
import { getOpcode } from '../wire/header.js';
import { parseZone } from '../zonefile/reader.js';
import { ZoneSet } from './set.js';
import { parseTransferOption, TransferTo } from './transfer-to.js';
import { Zone } from './zone.js';

function option(line: string, directions: ('to' | 'from')[] = ['to', 'from']) {
  const c = new Dispenser(tokenize(line, 'Corefile'), 'Corefile');
  c.next();
  return parseTransferOption(c, 'secondary', directions);
}

function optionError(line: string, directions: ('to' | 'from')[] = ['to', 'from']): string {
  try {
    option(line, directions);
  } catch (e) {
    if (e instanceof CorefileError) return e.message;
    throw e;
  }
  throw new Error(`no error for ${line}`);
}

describe('parseTransferOption', () => {
  it('reads transfer to as an address list and transfer from as primaries (port 53 by default)', () => {
    const to = option('transfer to * 10.0.0.0/8 192.0.2.1:5300');
    expect(to.direction === 'to' && to.acl.entries.map((e) => e.kind)).toEqual(['any', 'network', 'host']);
    expect(option('transfer from 192.0.2.1 [2001:db8::1]:5300 192.0.2.2:54')).toEqual({
      direction: 'from',
      primaries: [
        { host: '192.0.2.1', port: 53 },
        { host: '2001:db8::1', port: 5300 },
        { host: '192.0.2.2', port: 54 },
      ],
    });
  });

  it.each([
    ['transfer', /Wrong argument count/],
    ['transfer out 10.0.0.1', /expected 'to' or 'from', found 'out'/],
    ['transfer to', /at least one address, network or \* is needed/],
    ['transfer from', /at least one address is needed/],
    ['transfer to example.org', /'example.org' is not an IP address/],
    ['transfer from *', /'\*' is not an IP address or IP:port/],
    ['transfer from 10.0.0.0/8', /not an IP address or IP:port/],
    ['transfer from ns1.example.org', /not an IP address or IP:port/],
  ])('rejects %j', (line, message) => {
    expect(optionError(line)).toMatch(message);
  });

  it('names the plugin when a direction is not one of its options', () => {
    expect(optionError('transfer from 10.0.0.1', ['to'])).toMatch(/secondary serves primary zones only/);
  });
});

describe('TransferTo', () => {
  it('NOTIFYs each zone after the startup delay, then each new version, and stops when told', async () => {
    const socket = createSocket('udp4');
    const got: string[] = [];
    socket.on('message', (buf, rinfo) => {
      const msg = decodeMessage(buf);
      if (getOpcode(msg) !== Opcode.NOTIFY) return;
      const serial = (msg.answers[0] as { data: { serial: number } } | undefined)?.data.serial;
      got.push(`${msg.questions[0].name} ${serial}`);
      socket.send(encodeMessage({ ...msg, flags: msg.flags | Flag.QR }), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    const zone = (serial: number) =>
      Zone.from(
        'example.org.',
        parseZone(`@ 60 SOA ns h ${serial} 2 3 4 5\n@ 60 NS ns\n`, { origin: 'example.org.' }),
      );
    try {
      const zones = new ZoneSet();
      zones.set(zone(1));
      zones.add('empty.example.');
      const t = new TransferTo(zones, AddressAcl.parse([`127.0.0.1:${port}`, '10.0.0.0/8']), 'file');
      t.start(50);
      t.start(50);
      await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual([]);
      await waitFor(() => got.length === 1);
      zones.set(zone(2));
      await waitFor(() => got.length === 2);
      expect(got).toEqual(['example.org. 1', 'example.org. 2']);
      t.stop();
      zones.set(zone(3));
      await new Promise((r) => setTimeout(r, 100));
      expect(got.length).toBe(2);
    } finally {
      socket.close();
    }
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
