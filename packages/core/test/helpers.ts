import { readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Permission bits of a path. */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** Above Linux's largest pid_max (2^22), so no process can have it. */
export const IMPOSSIBLE_PID = 99_999_999;

/** Renames the held token in `lockDir` to `to`, as a contender does: a beat meanwhile means list again. */
export async function takeOver(lockDir: string, to: string): Promise<void> {
  for (;;) {
    const held = (await readdir(lockDir)).find((entry) => entry.endsWith('.lock'));
    if (held === undefined) continue;
    try {
      await rename(join(lockDir, held), join(lockDir, to));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
