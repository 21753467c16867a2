import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/memory.ts', 'src/filesystem.ts', 'src/mock.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
  },
  {
    // vitest is ESM-only, so the conformance suite is too; Node ≥ 20.19 can still require() it.
    entry: ['src/conformance.ts'],
    format: ['esm'],
    dts: true,
    target: 'node20',
  },
]);
