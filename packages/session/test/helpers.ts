import { emptyState, type SessionData } from '@omega/core';

/** A small session whose content depends on `tag`. */
export function session(tag: string): SessionData {
  return {
    state: { ...emptyState(), control: ['eval', tag], store: { 'addr-1': tag }, step: 1 },
    meta: { tag },
  };
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
