import { mulberry32 } from '@omega/core/testing';
import type { SessionData } from '@omega/session';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'lambda', 'apply', 'closure', 'frame', 'token', 'prompt'];

/**
 * A session whose JSON text is about `bytes` long, shaped like a CESK machine mid-run: a store of
 * records (strings, numbers, nested arrays), an environment, a continuation stack. JSON-only data, so
 * plain JSON is a fair baseline.
 */
export function sessionOfSize(bytes: number, seed = 7): SessionData {
  const random = mulberry32(seed);
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
