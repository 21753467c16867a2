import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes `<dir>/<file>` as an expert file: `front` as YAML lines between `---` lines, then `body`. */
export async function writeExpertFile(
  dir: string,
  file: string,
  front: string[],
  body = 'Instructions.',
): Promise<void> {
  await writeFile(join(dir, file), ['---', ...front, '---', '', body, ''].join('\n'));
}
