const collect = (globalThis as { gc?: () => void }).gc;

/**
 * Median wall time of one call of `fn` in milliseconds: `samples` samples of `batch` calls each, after
 * one unmeasured sample. Garbage is collected before each sample (run node with --expose-gc), so one
 * side's garbage is not billed to the other.
 */
export async function medianMs(fn: () => unknown, samples: number, batch: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= samples; i++) {
    collect?.();
    const start = process.hrtime.bigint();
    for (let j = 0; j < batch; j++) await fn();
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6 / batch);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/**
 * Measures a candidate and its baseline in alternating rounds, so machine noise hits both alike, and
 * returns the median of each side's per-round medians.
 */
export async function compare(
  candidate: () => unknown,
  baseline: () => unknown,
  samples: number,
  batch: number,
  rounds = 3,
): Promise<{ candidateMs: number; baselineMs: number }> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    theirs.push(await medianMs(baseline, samples, batch));
    ours.push(await medianMs(candidate, samples, batch));
  }
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  return { candidateMs: mid(ours), baselineMs: mid(theirs) };
}
