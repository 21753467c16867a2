import { defineConfig } from 'tsup';

/**
 * The build of every provider family package: the interface and backend entries as ESM and CommonJS
 * with declarations for each, and the conformance suite as ESM only (vitest is ESM-only; Node ≥ 20.19
 * can still require() it).
 */
export default defineConfig([
  {
    entry: ['src/index.ts', 'src/memory.ts', 'src/filesystem.ts', 'src/mock.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
  },
  {
    entry: ['src/conformance.ts'],
    format: ['esm'],
    dts: true,
    target: 'node20',
  },
]);
