import { defineConfig } from 'tsup';
import { ENTRIES } from './scripts/entries.mjs';
import { tsupConfig } from './scripts/tsup.mjs';

/** The build of every provider family package, from the family entry list (see scripts/tsup.mjs). */
export default defineConfig(tsupConfig(ENTRIES.family));
