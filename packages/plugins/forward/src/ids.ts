import { randomFillSync } from 'node:crypto';

// Message IDs are part of what an off-path attacker must guess to spoof an answer, so they
// come from the CSPRNG; drawing them in batches keeps the per-query cost to an array read.
const batch = new Uint16Array(1024);
let next = batch.length;

/** A random 16-bit DNS message ID. */
export function randomId(): number {
  if (next === batch.length) {
    randomFillSync(batch);
    next = 0;
  }
  return batch[next++];
}

/** Writes `id` into the first two bytes of a DNS message. */
export function setMessageId(wire: Uint8Array, id: number): void {
  wire[0] = id >> 8;
  wire[1] = id & 0xff;
}

/** The ID of a DNS message (at least two bytes long). */
export function messageId(wire: Uint8Array): number {
  return (wire[0] << 8) | wire[1];
}
