// Shared vitest settings for every package: resolve workspace packages to their
// TypeScript sources (the "@tsdns/source" export condition) so tests never need a build.
export const sourceConditions = ['@tsdns/source'];

/** @param {string} name */
export function packageTestConfig(name) {
  return {
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
}
