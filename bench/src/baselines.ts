import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';

/** The floor for a durable save: JSON.stringify, write a temp file, fsync, rename, fsync the directory. */
export async function floorSave(file: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  const temp = `${file}.floor-tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The floor for a load: readFileSync and JSON.parse of the same bytes. */
export function floorLoad(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
