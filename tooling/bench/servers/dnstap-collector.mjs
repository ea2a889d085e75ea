// A dnstap collector for the dnstap benchmark, in a process of its own so that it reads
// while the bench runs dnsperf: listens on a Unix socket, answers the Frame Streams
// handshake, and counts data frames and their bytes without decoding or copying them (the
// first hundred are decoded, to report the message types and whether they carry wire
// messages).
// `fast` reads as fast as it can; `slow` reads at most RATE bytes a second (default 256 KiB),
// a collector that cannot keep up. On SIGTERM it prints its counts as JSON and exits.
//
//   node dnstap-collector.mjs SOCKET fast|slow [RATE]
import { createServer } from 'node:net';
import { rmSync } from 'node:fs';
import {
  ControlType,
  DNSTAP_CONTENT_TYPE,
  decodeDnstap,
  encodeControl,
} from '../../../packages/plugins/dnstap/dist/index.js';

const [path, mode = 'fast', rateArg] = process.argv.slice(2);
const rate = Number(rateArg ?? 256 * 1024);
const counts = { frames: 0, bytes: 0, connections: 0, sampled: {}, sampledWithWire: 0 };

rmSync(path, { force: true });
/**
 * Counts data frames by walking their length prefixes, without copying payloads (so the
 * collector costs the machine little while the server is measured); hands control frames
 * and the first hundred data frames, whole, to `onFrame`.
 */
class FrameCounter {
  #header = Buffer.alloc(8);
  #have = 0; // header bytes held
  #skip = 0; // payload bytes of the current data frame still to pass
  #keep = null; // the current frame's bytes when it is to be decoded
  #kept = 0;
  #control = false;

  constructor(onFrame) {
    this.onFrame = onFrame;
  }

  push(chunk) {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - pos);
        if (this.#keep !== null) {
          chunk.copy(this.#keep, this.#kept, pos, pos + n);
          this.#kept += n;
        }
        this.#skip -= n;
        pos += n;
        if (this.#skip === 0 && this.#keep !== null) {
          this.onFrame(this.#control, this.#keep);
          this.#keep = null;
        }
        continue;
      }
      const want = this.#have >= 4 && this.#header.readUInt32BE(0) === 0 ? 8 : 4;
      const n = Math.min(want - this.#have, chunk.length - pos);
      chunk.copy(this.#header, this.#have, pos, pos + n);
      this.#have += n;
      pos += n;
      if (this.#have < want) continue;
      const len = this.#header.readUInt32BE(0);
      if (len === 0 && want === 4) continue; // an escape: the control frame's length follows
      this.#control = len === 0;
      const size = this.#control ? this.#header.readUInt32BE(4) : len;
      this.#have = 0;
      if (!this.#control) {
        counts.frames++;
        counts.bytes += size;
      }
      this.#skip = size;
      this.#kept = 0;
      this.#keep = this.#control || counts.frames <= 100 ? Buffer.alloc(size) : null;
      if (size === 0 && this.#keep !== null) {
        this.onFrame(this.#control, this.#keep);
        this.#keep = null;
      }
    }
  }
}

const server = createServer((socket) => {
  counts.connections++;
  socket.on('error', () => {});
  const counter = new FrameCounter((control, bytes) => {
    if (!control) {
      const m = decodeDnstap(bytes).message;
      counts.sampled[m.type] = (counts.sampled[m.type] ?? 0) + 1;
      if (m.queryMessage !== undefined || m.responseMessage !== undefined) counts.sampledWithWire++;
      return;
    }
    const type = bytes.readUInt32BE(0);
    if (type === ControlType.READY) socket.write(encodeControl(ControlType.ACCEPT, [DNSTAP_CONTENT_TYPE]));
    else if (type === ControlType.STOP) socket.end(encodeControl(ControlType.FINISH));
  });
  socket.on('data', (chunk) => {
    counter.push(chunk);
    if (mode === 'slow') {
      socket.pause();
      setTimeout(() => socket.resume(), (chunk.length / rate) * 1000);
    }
  });
});
server.listen(path, () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => {
  process.stdout.write(JSON.stringify(counts) + '\n');
  server.close();
  rmSync(path, { force: true });
  process.exit(0);
});
