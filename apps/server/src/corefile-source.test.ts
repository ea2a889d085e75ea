import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corefileLoader, defaultCorefile } from './corefile-source.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('corefileLoader', () => {
  it('reads the -conf file on every load, so a reload sees edits', async () => {
    const path = join(dir, 'Corefile.a');
    writeFileSync(path, '.:1053 { whoami }\n');
    const loader = corefileLoader(path, 53);
    expect(await loader.load()).toEqual({ text: '.:1053 { whoami }\n', filename: path });
    writeFileSync(path, '.:1054 { whoami }\n');
    expect((await loader.load()).text).toBe('.:1054 { whoami }\n');
  });

  it("fails in Go's words for a missing or unreadable -conf file, as CoreDNS does", async () => {
    const missing = join(dir, 'missing');
    await expect(corefileLoader(missing, 53).load()).rejects.toMatchObject({
      message: `open ${missing}: no such file or directory`,
      code: 'ENOENT',
    });
    await expect(corefileLoader(dir, 53).load()).rejects.toMatchObject({
      message: `open ${dir}: illegal operation on a directory`,
      code: 'EISDIR',
    });
  });

  it("falls back to CoreDNS's default Corefile on the -dns.port", () => {
    expect(defaultCorefile(1053)).toBe('.:1053 {\nwhoami\nlog\n}\n');
  });
});
