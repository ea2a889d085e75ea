import { defineConfig } from 'vitest/config';

// One run over every package's tests (each package's own vitest.config.ts is a project),
// so `pnpm test` prints a single summary.
export default defineConfig({
  test: {
    projects: ['packages/*', 'packages/plugins/*', 'apps/*'],
    reporters: ['default', './tooling/vitest-summary-reporter.mjs'],
  },
});
