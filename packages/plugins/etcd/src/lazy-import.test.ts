/**
 * Importing the package must not load etcd3: it costs every server about 140 ms and 5 MB at
 * startup, Corefile with etcd or not (see client.ts). A child node imports the sources with
 * etcd3 refused.
 */
import { fileURLToPath } from 'node:url';
import { runDenyingImports } from '@tsdns/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const entry = new URL('./index.ts', import.meta.url).href;
const client = new URL('./client.ts', import.meta.url).href;

describe('etcd3 is imported only when a client is made', () => {
  // One child for both checks: compiling the workspace's sources on load takes seconds.
  let child: ReturnType<typeof runDenyingImports>;
  beforeAll(() => {
    child = runDenyingImports(
      `
      const etcd = await import(${JSON.stringify(entry)});
      const refused = await import(${JSON.stringify(client)}).then(() => 'loaded', (e) => e.message);
      console.log(JSON.stringify({ plugin: etcd.default?.name, refused }));
      `,
      { deny: ['etcd3'], cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
  });

  it('is not imported with the package entry', () => {
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ plugin: 'etcd' });
  });

  it('is imported (here: refused) by the client module', () => {
    const { refused } = JSON.parse(child.stdout) as { refused: string };
    expect(refused).toMatch(/^etcd3 imported by file:.*\/src\/client\.ts$/);
  });
});
