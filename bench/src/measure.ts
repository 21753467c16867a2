const collect = (globalThis as { gc?: () => void }).gc;

/**
 * Wall time of one call of `fn` in milliseconds, over a batch of `batch` calls. Garbage is collected
 * first (run node with --expose-gc), so one side's garbage is not billed to the other.
 */
async function batchMs(fn: () => unknown, batch: number): Promise<number> {
  collect?.();
  const start = process.hrtime.bigint();
  for (let j = 0; j < batch; j++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / batch;
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? Number.NaN;
}

/**
 * Measures a candidate and its baseline in alternating batches (`samples` x `rounds` of each, after one
 * unmeasured batch each) and returns each side's median. Alternating batch by batch, not block by block,
 * lets the machine's noise (these machines are shared) hit both sides alike.
 */
export async function compare(
  candidate: () => unknown,
  baseline: () => unknown,
  samples: number,
  batch: number,
  rounds = 3,
): Promise<{ candidateMs: number; baselineMs: number }> {
  await batchMs(baseline, batch);
  await batchMs(candidate, batch);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < samples * rounds; i++) {
    theirs.push(await batchMs(baseline, batch));
    ours.push(await batchMs(candidate, batch));
  }
  return { candidateMs: median(ours), baselineMs: median(theirs) };
}
