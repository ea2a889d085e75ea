/**
 * The one error the wire codec throws. Decoding untrusted bytes fails only with this class
 * (never RangeError/TypeError), so a server can catch it and answer FORMERR.
 */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    message: string,
    /**
     * Byte offset in the message where decoding failed (or, when encoding, the output offset
     * reached); -1 when no position applies.
     */
    readonly offset: number,
  ) {
    super(offset >= 0 ? `${message} (at offset ${offset})` : message);
  }
}
