import { fileURLToPath } from 'node:url';
import { z } from 'zod';

// What the slow log tests share with their child process (fixtures/fs-log-child.mjs), which imports the
// built package: its script, the build it needs, and its log spec.

/** The child's script. */
export const CHILD = fileURLToPath(new URL('./fixtures/fs-log-child.mjs', import.meta.url));

/** The built entry the child imports: `assertBuilt` it before spawning. */
export const DIST = fileURLToPath(new URL('../dist/fs.js', import.meta.url));

/** The child's log spec. */
export const SPEC = {
  kind: 'event',
  folder: 'events',
  format: 'omega.event',
  formatVersion: 1,
  header: z.object({ writer: z.string(), seq: z.number() }),
};
