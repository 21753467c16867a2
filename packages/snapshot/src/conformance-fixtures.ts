import type { Val } from '@omega/core';
import { editFramedFile, exoticValues } from '@omega/core/testing';
import type { MachineSnapshot } from './index.js';

/** A small snapshot whose content depends on `step`; `store.counter` is `1000 + step` (four digits). */
export function sampleSnapshot(step = 1): MachineSnapshot {
  return {
    state: {
      control: { op: 'apply', fn: 'plan', args: [step, 'two'] },
      env: { goal: 'a0', plan: 'a1' },
      store: {
        a0: 'write the report',
        a1: { steps: ['draft', 'review'], done: step > 2 },
        counter: 1000 + step,
      },
      kont: [{ frame: 'return', to: 'main' }],
      step,
      status: 'running',
    },
    createdAt: 1_700_000_000_000 + step,
    label: `after step ${step}`,
  };
}

/** A snapshot holding every kind of value JSON loses: all of {@link exoticValues} in the store, more in control and kont. */
export function exoticSnapshot(): MachineSnapshot {
  return {
    state: {
      control: new Map<Val, Val>([['pc', 3]]),
      env: { x: 'exotic' },
      store: { exotic: exoticValues() },
      kont: [new Set<Val>([1]), -0, 10n],
      step: 3,
      status: 'halted',
    },
    createdAt: 1_700_000_000_999,
    label: 'exotic',
    parent: 'previous',
  };
}

/**
 * Changes one value in the body of a framed file (a store file or an export file) holding
 * `sampleSnapshot(1)`: the JSON and the framing stay valid, only the digest no longer matches.
 */
export function changeSampleValue(file: string): Promise<void> {
  return editFramedFile(file, (doc) => {
    const body = doc.body.replace('"counter":1001', '"counter":1002');
    if (body === doc.body) throw new Error(`${file} does not hold sampleSnapshot(1)`);
    return { ...doc, body };
  });
}
