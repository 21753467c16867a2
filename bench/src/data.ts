import type { SessionData } from '@omega/core';

/** Small, fast, seeded PRNG (mulberry32): benchmark data is the same in every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'lambda', 'apply', 'closure', 'frame', 'token', 'prompt'];

/**
 * A session whose JSON text is about `bytes` long, shaped like a CESK machine mid-run: a store of
 * records (strings, numbers, nested arrays), an environment, a continuation stack. JSON-only data, so
 * plain JSON is a fair baseline.
 */
export function sessionOfSize(bytes: number, seed = 7): SessionData {
  const random = prng(seed);
  const word = () => WORDS[Math.floor(random() * WORDS.length)] ?? 'x';
  const store: Record<string, SessionData['state']['store'][string]> = {};
  const env: Record<string, string> = {};
  const kont: SessionData['state']['kont'] = [];
  const data: SessionData = {
    state: { control: { op: 'apply', fn: 'f', args: [1, 2] }, env, store, kont, step: 0, status: 'running' },
    meta: { model: 'omega-small', run: seed },
  };
  let size = JSON.stringify(data).length;
  for (let i = 0; size < bytes; i++) {
    const address = `a${i}`;
    const record = {
      kind: word(),
      text: `${word()} ${word()} ${word()} ${Math.floor(random() * 1e6)}`,
      score: Math.round(random() * 1e4) / 100,
      tags: [word(), word()],
      ok: random() > 0.5,
    };
    store[address] = record;
    env[`v${i}`] = address;
    if (i % 8 === 0) kont.push({ frame: word(), at: i });
    size += JSON.stringify(record).length + address.length * 2 + 16;
  }
  data.state.step = Object.keys(store).length;
  return data;
}
