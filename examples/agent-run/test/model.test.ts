import { describe, expect, it } from 'vitest';
import { fakeModel, type ModelRequest } from '../src/model.js';

const request = (purpose: ModelRequest['purpose'], question: string, facts: string[] = []): ModelRequest => ({
  model: 'omega-mini',
  expert: 'researcher',
  instructions: 'Search first.',
  purpose,
  question,
  facts,
});

describe('the fake model', () => {
  it('answers the same request the same way, usage included', () => {
    const ask = request('research', 'How many moons does Mars have?');
    expect(fakeModel(ask)).toEqual(fakeModel({ ...ask }));
  });

  it('asks for a search of the key words, and for live data about the present', () => {
    const plain = fakeModel(request('research', 'How many moons does Mars have?'));
    expect(plain).toMatchObject({
      ok: true,
      value: { toolCalls: [{ name: 'docs__search', args: { query: 'moon mar' } }] },
    });
    const live = fakeModel(request('research', 'How hot is Venus?'));
    expect(
      live.ok && (live.value as { toolCalls: { name: string }[] }).toolCalls.map((call) => call.name),
    ).toEqual(['shell__exec', 'docs__search']);
  });

  it('writes from the first fact it is given, or says the documents do not say', () => {
    expect(fakeModel(request('write', 'q?', ['Mars has two moons.', 'other']))).toMatchObject({
      value: { text: 'Mars has two moons.' },
    });
    expect(fakeModel(request('write', 'q?'))).toMatchObject({ value: { text: 'The documents do not say.' } });
  });

  it('reports usage that grows with the prompt', () => {
    const short = fakeModel(request('write', 'q?', ['a']));
    const long = fakeModel(request('write', 'q?', ['a'.repeat(400)]));
    if (!short.ok || !long.ok) throw new Error('the fake model never fails');
    expect(long.usage?.inputTokens).toBeGreaterThan((short.usage?.inputTokens ?? 0) + 90);
  });
});
