import { describe, expect, it } from 'vitest';
import { describeStateProvider } from '../src/conformance.js';
import { MockStateProvider } from '../src/mock.js';

describeStateProvider('mock', async () => ({ provider: new MockStateProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by StateProvider and scripts one of its calls.
describe('MockStateProvider', () => {
  it('types its scripts by StateProvider', () => {
    const typeChecks = (mock: MockStateProvider) => {
      // @ts-expect-error: there is no method loadStat
      mock.failNext('loadStat');
      // @ts-expect-error: listStates resolves to string[]
      mock.returnNext('listStates', 42);
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('returns a canned state from loadState without touching the stored ones', async () => {
    const mock = new MockStateProvider();
    const canned = { ...mock.createState(), step: 99 };
    mock.returnNext('loadState', canned);
    const loaded = await mock.loadState('absent');
    // A copy: the caller's canned object is neither handed out nor reachable from the record.
    expect(loaded).toStrictEqual(canned);
    expect(loaded).not.toBe(canned);
    expect(await mock.loadState('absent')).toBeNull();
    expect(mock.callsOf('loadState').map((call) => call.result)).toStrictEqual([canned, null]);
  });
});
