import { io } from './io.js';

/** Unlinks `file`: false when there was none. */
export function unlinkIfPresent(file: string): boolean {
  try {
    io.unlinkSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
