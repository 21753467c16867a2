import { defineConfig } from 'vitest/config';

/**
 * The vitest config of every package (each vitest.config.ts re-exports it). Tests are
 * `test/**\/*.test.ts`; those named `*.slow.test.ts` (many child processes, kill -9 loops) are their own
 * project, so turbo can cache the fast ones:
 *   vitest run --project fast   the `test` script (turbo task `test`, cached)
 *   vitest run --project slow   the `test:slow` script (turbo task `test:slow`, never cached; it passes
 *                               --passWithNoTests, as not every package has slow tests)
 *   vitest run                  both
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        // The files a worker runs share its modules (here and in the slow project): importing the packages
        // once per worker instead of once per file takes about 40% off the CPU time of the fast tests. So a
        // test file must leave no module state or process listener behind (the standards forbid state shared
        // between tests anyway).
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.slow.test.ts'],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'slow', include: ['test/**/*.slow.test.ts'], isolate: false } },
    ],
  },
});
