import { defineConfig } from 'tsup';
import { ENTRIES, sources } from '../../scripts/entries.mjs';

// Entries come from scripts/entries.mjs, which also derives this package's `exports`.
export default defineConfig({
  entry: sources(ENTRIES.postgres),
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
});
