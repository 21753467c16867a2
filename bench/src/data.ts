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

const PROSE = [
  'The model answered',
  'with a "quoted" phrase,',
  'then a list:\n- first\n- second',
  'and a path C:\\runs\\omega',
  'before the tool call returned',
  'ok.',
];

/**
 * A session whose JSON text is about `bytes` long, nearly all of it in a few long strings: four
 * transcripts of prose with quotes, newlines and backslashes to escape, the other shape `encode` and
 * `decode` are measured on.
 */
export function proseSessionOfSize(bytes: number, seed = 11): SessionData {
  const random = mulberry32(seed);
  const transcript = (length: number) => {
    const parts: string[] = [];
    for (let size = 0; size < length; ) {
      const part = PROSE[Math.floor(random() * PROSE.length)] ?? '';
      parts.push(part);
      size += part.length + 1;
    }
    return parts.join(' ');
  };
  const store: SessionData['state']['store'] = {};
  const length = Math.max(Math.floor((bytes - 300) / 4 / 1.1), 1);
  for (let i = 0; i < 4; i++) store[`t${i}`] = { kind: 'transcript', text: transcript(length) };
  return {
    state: { control: { op: 'halt' }, env: {}, store, kont: [], step: 4, status: 'running' },
    meta: { model: 'omega-small', run: seed },
  };
}
