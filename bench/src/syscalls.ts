import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./save-child.ts', import.meta.url));
const SAVES = 1000;

/** System calls of one process, by name, from `strace -f -c`; null when strace is not installed. */
async function countCalls(durable: boolean, saves: number): Promise<Map<string, number> | null> {
  const dir = await mkdtemp(path.join(tmpdir(), 'omega-bench-strace-'));
  const out = path.join(dir, 'counts.txt');
  try {
    const run = spawnSync(
      'strace',
      [
        '-f',
        '-c',
        '-o',
        out,
        process.execPath,
        '--import',
        'tsx',
        CHILD,
        dir,
        String(durable),
        String(saves),
      ],
      { stdio: 'ignore' },
    );
    if (run.error !== undefined || run.status !== 0) return null;
    const counts = new Map<string, number>();
    for (const line of (await readFile(out, 'utf8')).split('\n')) {
      const fields = line.trim().split(/\s+/);
      const calls = Number(fields[3]);
      const name = fields.at(-1);
      if (fields.length >= 5 && Number.isInteger(calls) && name !== undefined && name !== 'total') {
        counts.set(name, calls);
      }
    }
    return counts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * System calls per 1 KB session save: the difference between a run of 1000 saves and one of none,
 * divided by 1000, so start-up is not counted. Returns lines for the report, or why it was not measured.
 */
export async function syscallsPerSave(): Promise<string[]> {
  const lines: string[] = [];
  for (const durable of [false, true]) {
    const none = await countCalls(durable, 0);
    const many = await countCalls(durable, SAVES);
    if (none === null || many === null)
      return ['System calls per save: not measured (strace is not available).'];
    let total = 0;
    const parts: string[] = [];
    for (const [name, calls] of [...many].sort((a, b) => b[1] - a[1])) {
      const perSave = (calls - (none.get(name) ?? 0)) / SAVES;
      if (perSave < 0.05) continue;
      total += perSave;
      parts.push(`${name} ${perSave.toFixed(1)}`);
    }
    lines.push(
      `- ${durable ? 'durable' : 'non-durable'} 1 KB session save: ${total.toFixed(1)} system calls (${parts.join(', ')})`,
    );
  }
  return lines;
}
