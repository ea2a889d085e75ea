// An upstream where no name exists, as the root answers a name under a TLD it does not
// delegate: NXDOMAIN with the root's SOA in the authority section, so a forwarding server's
// cache can keep the denial (RFC 2308). The kubernetes scenario forwards to it the names of
// a pod's search path that fall outside the cluster zone (`NAME.mydomain.example`).
//
//   node servers/nxdomain.mjs PORT      (prints "listening PORT" when bound to 127.0.0.1)
import dgram from 'node:dgram';

const port = Number(process.argv[2] ?? 0);

/** Encodes a presentation name ("a.root-servers.net.") as uncompressed wire labels. */
function wireName(name) {
  const parts = [];
  for (const label of name.split('.').filter((l) => l.length > 0)) {
    parts.push(Buffer.from([label.length]), Buffer.from(label, 'ascii'));
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** The root's SOA record (owner ".", TTL 86400, minimum 86400), built once. */
const AUTHORITY = (() => {
  const rdata = Buffer.concat([
    wireName('a.root-servers.net.'),
    wireName('nstld.verisign-grs.com.'),
    Buffer.alloc(20),
  ]);
  const fixed = rdata.length - 20;
  rdata.writeUInt32BE(2024010100, fixed); // serial
  rdata.writeUInt32BE(1800, fixed + 4); // refresh
  rdata.writeUInt32BE(900, fixed + 8); // retry
  rdata.writeUInt32BE(604800, fixed + 12); // expire
  rdata.writeUInt32BE(86400, fixed + 16); // minimum: the negative TTL
  const head = Buffer.alloc(11);
  head[0] = 0; // owner: the root
  head.writeUInt16BE(6, 1); // SOA
  head.writeUInt16BE(1, 3); // IN
  head.writeUInt32BE(86400, 5);
  head.writeUInt16BE(rdata.length, 9);
  return Buffer.concat([head, rdata]);
})();

/** Offset just past the first question of `msg`, or -1 when it is not a well-formed query. */
function questionEnd(msg) {
  if (msg.length < 12 || (msg[2] & 0x80) !== 0 || msg.readUInt16BE(4) !== 1) return -1;
  let i = 12;
  while (i < msg.length) {
    const len = msg[i];
    if (len === 0) return i + 5 <= msg.length ? i + 5 : -1;
    if (len > 63) return -1; // a query's question is never compressed
    i += 1 + len;
  }
  return -1;
}

const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  const end = questionEnd(msg);
  if (end < 0) return;
  // Header and question as asked (any OPT record is dropped: an answer without EDNS is valid).
  const reply = Buffer.allocUnsafe(end + AUTHORITY.length);
  msg.copy(reply, 0, 0, end);
  reply[2] = 0x80 | (msg[2] & 0x79); // QR, the opcode and RD as asked, AA/TC off
  reply[3] = 0x80 | 3; // RA, NXDOMAIN
  reply.writeUInt16BE(0, 6);
  reply.writeUInt16BE(1, 8);
  reply.writeUInt16BE(0, 10);
  AUTHORITY.copy(reply, end);
  socket.send(reply, rinfo.port, rinfo.address);
});
socket.bind(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${socket.address().port}\n`);
});
