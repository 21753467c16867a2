import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * One measured comparison. `sense: 'time'` targets ours/baseline time ≤ target; `'speed'` targets
 * baseline/ours ≥ target. Without a target the row is for reference.
 */
export interface Row {
  bench: string;
  size: string;
  candidateMs: number;
  baselineMs: number;
  target?: number;
  sense: 'time' | 'speed';
}

function verdict(row: Row): { meets: string; shown: string } {
  const time = row.sense === 'time';
  const ratio = time ? row.candidateMs / row.baselineMs : row.baselineMs / row.candidateMs;
  const shown = `${ratio.toFixed(2)}× ${row.sense}`;
  if (row.target === undefined) return { meets: '—', shown };
  const meets = time ? ratio <= row.target : ratio >= row.target;
  return { meets: meets ? 'yes' : 'NO', shown: `${shown} (target ${time ? '≤' : '≥'} ${row.target}×)` };
}

/** Prints the table, then `notes`, and writes both to bench/results.md. */
export async function writeReport(rows: Row[], notes: string[] = []): Promise<void> {
  const lines = [
    '| benchmark | size | ours (ms) | baseline (ms) | ratio | meets |',
    '| --- | --- | ---: | ---: | --- | --- |',
    ...rows.map((row) => {
      const v = verdict(row);
      return `| ${row.bench} | ${row.size} | ${row.candidateMs.toFixed(3)} | ${row.baselineMs.toFixed(3)} | ${v.shown} | ${v.meets} |`;
    }),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ];
  const table = lines.join('\n');
  console.log(table);
  const header = [
    '# Benchmark results',
    '',
    `Measured by \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}.`,
    'Each ratio compares the medians of batches of ours and of the baseline, run one after the other in turn',
    'within the same run; garbage is collected before each batch. The machine is shared: a ratio can move',
    'by a few tenths between runs.',
    '',
    '',
  ].join('\n');
  await writeFile(fileURLToPath(new URL('../results.md', import.meta.url)), `${header}${table}\n`);
}
