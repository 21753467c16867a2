import { defineConfig } from 'tsup';
import { ENTRIES } from '../../scripts/entries.mjs';
import { tsupConfig } from '../../scripts/tsup.mjs';

// The package entries come from scripts/entries.mjs (which also derives `exports`); the `omega` bin is
// built beside them, ESM with a shebang, and is not an export.
export default defineConfig([
  ...tsupConfig(ENTRIES.runtime),
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
