/** Median wall time of `fn` in milliseconds over `runs` runs, after `warmup` unmeasured runs. */
export async function medianMs(fn: () => unknown, runs: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/**
 * Measures a candidate and its baseline in alternating rounds, so machine noise hits both alike, and
 * returns the median times of each.
 */
export async function compare(
  candidate: () => unknown,
  baseline: () => unknown,
  runs: number,
  rounds = 3,
): Promise<{ candidateMs: number; baselineMs: number }> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    theirs.push(await medianMs(baseline, runs));
    ours.push(await medianMs(candidate, runs));
  }
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  return { candidateMs: mid(ours), baselineMs: mid(theirs) };
}
