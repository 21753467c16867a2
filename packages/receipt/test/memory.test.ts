import { rejectionOf } from '@omega/core/testing';
import { fakeClock } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { describeReceiptProvider } from '../src/conformance.js';
import { InMemoryReceiptProvider } from '../src/memory.js';
import { sampleInput } from '../src/methods.js';

describeReceiptProvider('memory', async () => ({ provider: new InMemoryReceiptProvider() }));

describe('InMemoryReceiptProvider', () => {
  it('refuses a clock reading that is not a timestamp, storing nothing', async () => {
    for (const reading of [-1, 1.5, Number.NaN]) {
      const provider = new InMemoryReceiptProvider({ now: () => reading });
      await rejectionOf(provider.append(sampleInput(1)), 'INVALID_ARGUMENT');
      expect(await provider.count()).toBe(0);
      await provider.close();
    }
  });

  it('logs at the later of its clock and the last receipt', async () => {
    const provider = new InMemoryReceiptProvider({ now: fakeClock(100, -10) });
    const first = await provider.append(sampleInput(1));
    const second = await provider.append(sampleInput(2));
    expect([first.loggedAt, second.loggedAt]).toEqual([100, 100]);
    await provider.close();
  });
});
