import { StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeExpertProvider } from '../src/conformance.js';
import type { Expert } from '../src/index.js';
import { MockExpertProvider } from '../src/mock.js';

describeExpertProvider('mock', async () => ({ provider: new MockExpertProvider({ builtins: false }) }));

const expert = (name: string): Expert => ({ name, description: `${name} role`, instructions: 'Do it.' });

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by ExpertProvider, starts like the default registry, and scripts its calls.
describe('MockExpertProvider', () => {
  it('types its scripts by ExpertProvider', () => {
    const typeChecks = (mock: MockExpertProvider) => {
      // @ts-expect-error find() gives experts, not names
      mock.returnNext('find', ['planner']);
      // @ts-expect-error there is no method `search`
      mock.failNext('search');
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('starts with the built-in roles, like the default registry', async () => {
    await using mock = new MockExpertProvider();
    expect(mock.get('planner')?.name).toBe('planner');
  });

  it('plays a scripted search result, then searches for real, recording both', async () => {
    await using mock = new MockExpertProvider({ builtins: false });
    mock.register(expert('real'));
    mock.returnNext('find', [expert('scripted')]);
    expect(mock.find({ text: 'real' }).map((found) => found.name)).toStrictEqual(['scripted']);
    expect(mock.find({ text: 'real' }).map((found) => found.name)).toStrictEqual(['real']);
    expect(mock.callsOf('find').map((call) => call.args)).toStrictEqual([
      [{ text: 'real' }],
      [{ text: 'real' }],
    ]);
  });

  it('fails a scripted register with the given error, registering nothing', async () => {
    await using mock = new MockExpertProvider({ builtins: false });
    const failure = new StorageFailureError('scripted failure');
    mock.failNext('register', failure);
    expect(() => mock.register(expert('x'))).toThrow(failure);
    expect(mock.get('x')).toBeUndefined();
  });
});
