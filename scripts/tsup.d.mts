// Types of scripts/tsup.mjs, for the tsup configs that import it.
import type { Options } from 'tsup';
import type { Entry } from './entries.mjs';
export declare function tsupConfig(entries: Entry[]): Options[];
