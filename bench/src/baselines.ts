import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

// The floors are synchronous: the fewest system calls that do the job, with no thread-pool hand-off.

/** The floor for a durable save: JSON.stringify, write a temp file, fsync, rename, fsync the directory. */
export function floorSave(file: string, value: unknown): void {
  floorReplace(file, value, true);
}

/** The floor for a save that is atomic but not durable: JSON.stringify, write a temp file, rename. */
export function floorSaveNonDurable(file: string, value: unknown): void {
  floorReplace(file, value, false);
}

function floorReplace(file: string, value: unknown, durable: boolean): void {
  const temp = `${file}.floor-tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(value));
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  if (durable) {
    const dir = openSync(path.dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}

/** The floor for a load: readFileSync and JSON.parse of the same bytes. */
export function floorLoad(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The floor for listing: readdirSync, then statSync of every entry (its size and times). */
export function floorList(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir)) bytes += statSync(path.join(dir, entry)).size;
  return bytes;
}
