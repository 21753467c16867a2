import { closeSync, constants, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FilesystemLogBackend } from '@omega/core/fs';
import { benchChild } from './child.js';
import { LOG_SPEC, logEntry } from './log-data.js';
import { compare } from './measure.js';
import type { Row } from './report.js';

const CHILD = fileURLToPath(new URL('./log-child.ts', import.meta.url));
const CONCURRENT = 64;
const SAMPLES = 9;
const FOLLOWER_SAMPLES = 300;
const FOLLOWER_BUDGET_MS = 50;

/**
 * The filesystem log against its floors: durable appends from 64 concurrent callers against one write and
 * one fdatasync for the 64 lines; one caller's appends against a write and an fdatasync each; and the time
 * from an append in another process to the wake of a follower's `wait` (p50 and p99).
 */
export async function logOperations(root: string): Promise<Row[]> {
  await mkdir(root, { recursive: true });
  const log = new FilesystemLogBackend(LOG_SPEC, { root });
  const floor = openSync(
    path.join(root, 'floor.log'),
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
    0o600,
  );
  // The floor writes the same lines the log writes, without the log's lock, checks and fields.
  const line = `${JSON.stringify({ p: 0, ...logEntry(0) })}\n`;
  const group = Buffer.from(line.repeat(CONCURRENT));
  const single = Buffer.from(line);
  // Built once, as the floor's bytes are: the entries' cost to the caller is not the log's.
  const appends = Array.from({ length: CONCURRENT }, (_, i) => [logEntry(i)]);
  const rows: Row[] = [];
  try {
    const concurrent = await compare(
      () => Promise.all(appends.map((entries) => log.append('concurrent', entries))),
      () => {
        writeSync(floor, group);
        fdatasyncSync(floor);
      },
      SAMPLES,
      5,
    );
    rows.push({
      bench: `durable log append, ${CONCURRENT} concurrent callers vs one write+fdatasync of ${CONCURRENT} lines (sync)`,
      size: '200 B each',
      ...concurrent,
      target: 0.8,
      sense: 'speed',
    });

    const sequential = await compare(
      () => log.append('sequential', appends[0]!),
      () => {
        writeSync(floor, single);
        fdatasyncSync(floor);
      },
      SAMPLES,
      20,
    );
    rows.push({
      bench: 'durable log append, one caller vs write+fdatasync (sync)',
      size: '200 B',
      ...sequential,
      target: 1.5,
      sense: 'time',
    });

    const { p50, p99 } = await followerLatency(root);
    rows.push(
      {
        bench: `follower wake after an append in another process, p50 (ms) vs a ${FOLLOWER_BUDGET_MS} ms budget`,
        size: '200 B',
        candidateMs: p50,
        baselineMs: FOLLOWER_BUDGET_MS,
        sense: 'time',
      },
      {
        bench: `follower wake after an append in another process, p99 (ms) vs a ${FOLLOWER_BUDGET_MS} ms budget`,
        size: '200 B',
        candidateMs: p99,
        baselineMs: FOLLOWER_BUDGET_MS,
        target: 1,
        sense: 'time',
      },
    );
  } finally {
    closeSync(floor);
    await log.close();
  }
  return rows;
}

/**
 * A child process appends one entry (not durable) per request, its body the wall-clock time just before
 * the call; the parent waits for each and takes the time it woke. Both clocks are the machine's.
 */
async function followerLatency(root: string): Promise<{ p50: number; p99: number }> {
  const follower = new FilesystemLogBackend(LOG_SPEC, { root });
  const { child, nextLine, stop } = benchChild(CHILD, [root, 'follow']);
  const latencies: number[] = [];
  try {
    if ((await nextLine()) !== 'ready') throw new Error('the appending child did not start');
    for (let size = 0; size < FOLLOWER_SAMPLES; size++) {
      const woken = follower.wait('follow', size);
      child.stdin.write('\n');
      await woken;
      const wokeAt = performance.timeOrigin + performance.now();
      const [entry] = await follower.read('follow', { from: size, limit: 1 });
      latencies.push(wokeAt - Number(entry?.body));
      await nextLine();
    }
  } finally {
    await stop();
    await follower.close();
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}
