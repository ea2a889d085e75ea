// The ceiling for Node on this machine: a UDP server that does the least a DNS server can
// do — flip the QR bit of the query in place and send the same bytes back.
import dgram from 'node:dgram';

const port = Number(process.argv[2] ?? 0);
const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  if (msg.length < 12) return;
  msg[2] |= 0x80;
  socket.send(msg, rinfo.port, rinfo.address);
});
socket.bind(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${socket.address().port}\n`);
});
