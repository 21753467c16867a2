import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A fresh temporary directory and its removal. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'omega-session-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
