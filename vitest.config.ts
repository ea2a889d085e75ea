import { defineConfig } from 'vitest/config';

// One run over every package's tests (each package's own vitest.config.ts is a project),
// so `pnpm test` prints a single summary.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'packages/plugins/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
    reporters: ['default', './tooling/vitest-summary-reporter.mjs'],
  },
});
