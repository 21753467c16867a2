import type { ProvenanceRecord } from '../src/index.js';

// TODO(seed): records of the seed's shape, as the tests need them.

/** A small record whose content depends on `tag`. */
export function record(tag: string): ProvenanceRecord {
  return { value: { tag, list: [1, 'two', { three: true }] } };
}

/** A clock that starts at `start` and advances by `step` on every reading. */
export function fakeClock(start: number, step: number): () => number {
  let next = start;
  return () => {
    const reading = next;
    next += step;
    return reading;
  };
}
