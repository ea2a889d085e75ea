// The ceiling for Node on this machine: a UDP server that does the least a DNS server can
// do — flip the QR bit of the query in place and send the same bytes back.
//
// With `literal` after the port, the socket resolves the addresses it sends to at once, as
// tsdns's listener sockets do (every address is an IP literal; Node's default resolver
// finishes each send on the next tick). The targets are set against the plain server.
import dgram from 'node:dgram';

const port = Number(process.argv[2] ?? 0);
const literal = process.argv[3] === 'literal';
const socket = dgram.createSocket(
  literal ? { type: 'udp4', lookup: (address, _options, callback) => callback(null, address, 4) } : 'udp4',
);
socket.on('message', (msg, rinfo) => {
  if (msg.length < 12) return;
  msg[2] |= 0x80;
  socket.send(msg, rinfo.port, rinfo.address);
});
socket.bind(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${socket.address().port}\n`);
});
