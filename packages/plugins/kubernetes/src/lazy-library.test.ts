/**
 * Importing the package must not import @kubernetes/client-node: the executable imports every
 * plugin, and the library costs about 440 ms and 27 MB of heap even when no Corefile has a
 * `kubernetes` block. A child node imports the sources with hooks that refuse the library
 * (vitest's own module graph cannot say what plain node would load).
 */
import { fileURLToPath } from 'node:url';
import { runDenyingImports } from '@tsdns/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const LIBRARY = '@kubernetes/client-node';
const entry = new URL('./index.ts', import.meta.url).href;

function run(script: string): ReturnType<typeof runDenyingImports> {
  return runDenyingImports(script, { deny: [LIBRARY], cwd: fileURLToPath(new URL('..', import.meta.url)) });
}

describe(`${LIBRARY} is imported only when needed`, () => {
  // One child for both checks: compiling the workspace's sources on load takes seconds.
  let child: ReturnType<typeof run>;
  beforeAll(() => {
    child = run(`
      const k = await import(${JSON.stringify(entry)});
      const names = ['default', 'kubernetesPlugin', 'KubeClient', 'CredentialsError', 'SERVICE_ACCOUNT_DIR', 'kubeConfigFor', 'parseKubernetes'];
      const missing = names.filter((n) => k[n] === undefined);
      const failure = (p) => p.then(() => 'no error', (e) => e.message);
      const config = await failure(
        k.kubeConfigFor({ kind: 'endpoint', url: 'http://127.0.0.1:1' }, { env: {}, serviceAccountDir: '/nonexistent' }),
      );
      const client = new k.KubeClient({ getCurrentCluster: () => ({ server: 'http://127.0.0.1:1' }) });
      const list = await failure(client.services.list({ limit: 1 }));
      console.log(JSON.stringify({ missing, config, list }));
    `);
  });

  it('is not imported with the package entry, whose exports are all there', () => {
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ missing: [] });
  });

  it('is imported (here: refused) when a KubeConfig or an API call needs it', () => {
    expect(child.status).toBe(0);
    const { config, list } = JSON.parse(child.stdout) as { config: string; list: string };
    expect(config).toMatch(new RegExp(`^${LIBRARY} imported by file:.*/src/kubeconfig\\.ts$`));
    expect(list).toMatch(new RegExp(`^${LIBRARY} imported by file:.*/src/client\\.ts$`));
  });
});
