import { stat } from 'node:fs/promises';

/** Permission bits of a path. */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** Above Linux's largest pid_max (2^22), so no process can have it. */
export const IMPOSSIBLE_PID = 99_999_999;
