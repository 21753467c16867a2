import { StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeEffectHandlerRegistry } from '../src/conformance.js';
import type { EffectContext, EffectResult } from '../src/index.js';
import { MockEffectHandlerRegistry } from '../src/mock.js';

describeEffectHandlerRegistry('mock', async () => ({ provider: new MockEffectHandlerRegistry() }));

const context = (op: string): EffectContext => ({
  runId: 'r',
  step: 0,
  op,
  signal: new AbortController().signal,
});

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by EffectHandlerRegistry and scripts its calls.
describe('MockEffectHandlerRegistry', () => {
  it('types its scripts by EffectHandlerRegistry', () => {
    const typeChecks = (mock: MockEffectHandlerRegistry) => {
      // @ts-expect-error dispatch() resolves to an EffectResult, not a bare value
      mock.returnNext('dispatch', 42);
      // @ts-expect-error there is no method `run`
      mock.failNext('run');
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('plays a scripted effect result without calling the handler, and records the dispatch', async () => {
    const mock = new MockEffectHandlerRegistry();
    let calls = 0;
    mock.register('file.read', async () => {
      calls++;
      return { ok: true, value: 'real' };
    });
    const scripted: EffectResult = {
      ok: false,
      error: { code: 'ENOENT', message: 'scripted', retryable: false },
    };
    mock.returnNext('dispatch', scripted);
    expect(await mock.dispatch('file.read', context('file.read'), '/x')).toStrictEqual(scripted);
    expect(await mock.dispatch('file.read', context('file.read'), '/y')).toStrictEqual({
      ok: true,
      value: 'real',
    });
    expect(calls).toBe(1);
    expect(mock.callsOf('dispatch').map((call) => [call.args[2], call.result])).toStrictEqual([
      ['/x', scripted],
      ['/y', { ok: true, value: 'real' }],
    ]);
  });

  it('fails a scripted register with the given error, registering nothing', () => {
    const mock = new MockEffectHandlerRegistry();
    const failure = new StorageFailureError('scripted failure');
    mock.failNext('register', failure);
    expect(() => mock.register('x', async () => ({ ok: true, value: 1 }))).toThrow(failure);
    expect(mock.has('x')).toBe(false);
  });
});
