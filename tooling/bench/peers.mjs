// What several scenarios start or ask besides tsdns: Debian's knotd as a contender or an
// upstream, and a one-query probe that reads a reply's header.
import dgram from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess } from './dnsperf.mjs';

/**
 * A contender for compare() (or an upstream): knotd in the foreground serving `zoneFile` as
 * `origin`, one UDP, one TCP and one background worker. Each start gets its own
 * configuration, rundir and storage in a new directory under `dir`, named after `name` so
 * that several Knots in one scenario stay apart.
 */
export function knotContender(dir, { origin, zoneFile, name = 'knot' }) {
  let runs = 0;
  return {
    label: 'knot (1 udp worker)',
    start(port) {
      const run = join(dir, `${name}-${runs++}`);
      mkdirSync(join(run, 'db'), { recursive: true });
      const conf = join(run, 'knot.conf');
      writeFileSync(
        conf,
        [
          'server:',
          `    listen: 127.0.0.1@${port}`,
          `    rundir: ${run}`,
          '    udp-workers: 1',
          '    tcp-workers: 1',
          '    background-workers: 1',
          'database:',
          `    storage: ${join(run, 'db')}`,
          'log:',
          '  - target: stderr',
          '    any: error',
          'zone:',
          `  - domain: ${origin}`,
          `    file: ${zoneFile}`,
          '    zonefile-sync: -1',
          '    zonefile-load: whole',
          '    journal-content: none',
          '',
        ].join('\n'),
      );
      return startProcess('knotd', ['-c', conf], port, origin);
    },
  };
}

/**
 * Sends one query for `name` (type number `type`, RD set when `rd`) over UDP to
 * 127.0.0.1:`port`; resolves to the reply's rcode, AA bit and answer count, rejects after
 * `timeoutMs` without a reply.
 */
export function probeHeader(port, name, type, { rd = false, timeoutMs = 3000 } = {}) {
  const parts = [Buffer.from([0x4b, 0x1d, rd ? 0x01 : 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of name.replace(/\.$/, '').split('.'))
    parts.push(Buffer.from([l.length]), Buffer.from(l, 'ascii'));
  parts.push(Buffer.from([0, type >> 8, type & 0xff, 0, 1]));
  const msg = Buffer.concat(parts);
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error(`no answer from port ${port} to ${name} type ${type}`));
    }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve({ rcode: m[3] & 0xf, aa: (m[2] >> 2) & 1, answers: m.readUInt16BE(6) });
    });
    s.send(msg, port, '127.0.0.1');
  });
}
