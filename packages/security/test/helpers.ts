/** A clock that starts at `start` and advances by `step` on every reading. */
export function fakeClock(start: number, step: number): () => number {
  let next = start;
  return () => {
    const reading = next;
    next += step;
    return reading;
  };
}
