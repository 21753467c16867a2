import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/memory.ts', 'src/filesystem.ts', 'src/mock.ts', 'src/conformance.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
});
