// dns2, the common pure-JavaScript DNS server, answering every query with one A record.
import dns2 from 'dns2';

const { Packet } = dns2;
const port = Number(process.argv[2] ?? 0);
const server = dns2.createServer({
  udp: true,
  handle(request, send) {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    response.answers.push({
      name: question.name,
      type: Packet.TYPE.A,
      class: Packet.CLASS.IN,
      ttl: 300,
      address: '192.0.2.1',
    });
    send(response);
  },
});
server.on('listening', () => {
  process.stdout.write(`listening ${server.addresses().udp.port}\n`);
});
server.listen({ udp: { port, address: '127.0.0.1', type: 'udp4' } });
