import { runTool, type Target } from '@tsdns/testing';

/** One record of a zone transfer as kdig prints it. */
export interface XfrRecord {
  name: string;
  ttl: number;
  type: string;
  rdata: string;
}

/** What kdig got for an AXFR or IXFR: the records, or the error it printed. */
export interface XfrResult {
  records: XfrRecord[];
  /** kdig's ";; ERROR" line, e.g. "failed (REFUSED)", when the transfer failed. */
  error: string | undefined;
}

const RECORD = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/;
const ERROR = /;; ERROR: (.*)/;

/**
 * Runs `kdig AXFR zone` (or `IXFR=serial zone`) against `target` and reads the records it
 * printed: the harness's parseDigOutput reads query answers, and a transfer prints none of
 * their headers.
 */
export async function xfr(qtype: string, zone: string, target: Target): Promise<XfrResult> {
  const run = await runTool(
    'kdig',
    [`@${target.host ?? '127.0.0.1'}`, '-p', String(target.port), '+timeout=3', '+retry=0', qtype, zone],
    {},
  );
  const records: XfrRecord[] = [];
  for (const line of run.stdout.split('\n')) {
    const m = RECORD.exec(line);
    if (m !== null) records.push({ name: m[1], ttl: Number(m[2]), type: m[3], rdata: m[4].trim() });
  }
  return { records, error: ERROR.exec(run.stdout + run.stderr)?.[1] };
}
