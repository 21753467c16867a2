import { describe, expect, it } from 'vitest';
import { agentStep, initialState } from '../src/agent.js';
import { QUESTIONS } from '../src/corpus.js';
import { openAgentRuntime, runtimeOptions } from '../src/setup.js';

/** The day's runtime options on the memory preset: the same agent, nothing on disk. */
const inMemory = (budget?: { tokens: number | null }) => ({
  ...runtimeOptions('unused', 1),
  preset: 'memory' as const,
  ...(budget === undefined ? {} : { budget }),
});

describe('the agent', () => {
  it('answers every question from the documents, citing them, given budget enough', async () => {
    const { runtime, calls, sources } = await openAgentRuntime(inMemory({ tokens: null }));
    try {
      await runtime.stream.create('out');
      const result = await runtime.run('agent', agentStep({ runtime, stream: 'out' }, sources), {
        initial: initialState('out'),
      });
      expect(result.stoppedBy).toBe('halted');
      expect(result.steps).toBe(QUESTIONS.length * 3);
      expect(result.state.answers.map((answer) => answer.text)).toEqual([
        'Mars has two small moons, Phobos and Deimos.',
        'The Great Red Spot on Jupiter is a storm wider than the Earth.',
        'The carbon dioxide air of Venus traps heat, and its surface stays near 465 degrees Celsius.',
        'A year on Mercury lasts 88 Earth days.',
        'Olympus Mons on Mars is the largest volcano in the solar system, about 22 kilometres high.',
      ]);
      // The denied shell call never reached its handler, and was recorded as refused.
      expect(calls.count('shell.exec')).toBe(0);
      expect(result.state.refused).toEqual([{ op: 'shell.exec', code: 'CAPABILITY_DENIED', step: 7 }]);
      expect(runtime.logic.query('(about-planet ?q mars)')).toEqual([{ q: 'q1' }, { q: 'q5' }]);
      const chunks: string[] = [];
      for await (const { chunk } of runtime.stream.read('out')) chunks.push(String(chunk));
      expect(chunks.join('').trimEnd().split('\n')).toHaveLength(QUESTIONS.length);
    } finally {
      await runtime.close();
    }
  });

  it('stops when the daily budget cannot hold the next model call, having spent within it', async () => {
    const { runtime, sources } = await openAgentRuntime(inMemory());
    try {
      await runtime.stream.create('out');
      const result = await runtime.run('agent', agentStep({ runtime, stream: 'out' }, sources), {
        initial: initialState('out'),
      });
      expect(result.stoppedBy).toBe('budget');
      expect(result.state.answers.length).toBeLessThan(QUESTIONS.length);
      expect(result.state.refused.at(-1)).toMatchObject({ op: 'model.complete', code: 'BUDGET_EXCEEDED' });
      const report = runtime.governance.report();
      expect(report.consumed.tokens).toBeLessThanOrEqual(700);
      expect(report.reserved.tokens).toBe(0);
    } finally {
      await runtime.close();
    }
  });
});
