/**
 * Zone transfers with Knot's kdig: `kdig AXFR` and `kdig IXFR=serial` print the records
 * of every message without the headers parseDigOutput reads, so their output is read here.
 */
import { DEFAULT_HOST, type Target } from './query-message.js';
import { runTool } from './tools.js';

/** One record of a transfer as kdig prints it. */
export interface XfrRecord {
  name: string;
  ttl: number;
  type: string;
  /** the rdata as printed, fields separated by whitespace */
  rdata: string;
}

/** What kdig got for a transfer: the records, or the error it printed. */
export interface XfrResult {
  records: XfrRecord[];
  /** kdig's ";; ERROR:" text (such as "failed to query server ... (REFUSED)") when it failed. */
  error: string | undefined;
}

const RECORD = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/;
const ERROR = /;; ERROR: (.*)/;

/**
 * Runs `kdig QTYPE zone` against `target` (QTYPE `AXFR`, or `IXFR=serial`) with one try of
 * `timeoutSeconds`, and returns the records it printed.
 */
export async function kdigTransfer(
  qtype: string,
  zone: string,
  target: Target,
  timeoutSeconds = 3,
): Promise<XfrResult> {
  const run = await runTool('kdig', [
    `@${target.host ?? DEFAULT_HOST}`,
    '-p',
    String(target.port),
    `+timeout=${timeoutSeconds}`,
    '+retry=0',
    qtype,
    zone,
  ]);
  const records: XfrRecord[] = [];
  for (const line of run.stdout.split('\n')) {
    const m = RECORD.exec(line);
    if (m !== null) records.push({ name: m[1], ttl: Number(m[2]), type: m[3], rdata: m[4].trim() });
  }
  return { records, error: ERROR.exec(run.stdout + run.stderr)?.[1] };
}
