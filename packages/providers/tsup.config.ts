import { defineConfig } from 'tsup';
import { ENTRIES } from '../../scripts/entries.mjs';
import { tsupConfig } from '../../scripts/tsup.mjs';

export default defineConfig(tsupConfig(ENTRIES.providers));
