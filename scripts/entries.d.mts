// Types of scripts/entries.mjs, for the tsup configs that import it.
export type Format = 'esm' | 'cjs';
export interface Entry {
  name: string;
  formats: Format[];
}
export declare const ENTRIES: Record<'core' | 'family' | 'postgres' | 'providers' | 'runtime', Entry[]>;
export declare function sources(entries: Entry[]): string[];
