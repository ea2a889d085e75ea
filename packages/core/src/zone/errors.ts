/**
 * Why a zone could not be built: a record outside the zone, a CNAME beside other data, a
 * missing or misplaced SOA, and so on. `where` is the source position of the offending
 * record when the caller knew it (loadZone gives "db.example.org:12:1": file, line, column).
 */
export class ZoneError extends Error {
  override readonly name = 'ZoneError';
  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    /** The zone's origin. */
    readonly origin: string,
    /** Source position of the offending record, when known. */
    readonly where?: string,
  ) {
    super(where === undefined ? `zone ${origin}: ${reason}` : `${where}: zone ${origin}: ${reason}`);
  }
}
