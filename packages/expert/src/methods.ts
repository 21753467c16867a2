import type { MethodTable } from '@omega/core';
import type { Expert, ExpertProvider } from './index.js';

/** A valid expert for sample calls: the generated groups call every method with it after close. */
function sampleExpert(): Expert {
  return { name: 'sample', description: 'A sample expert.', instructions: 'Answer briefly.' };
}

/** Every method of {@link ExpertProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  register: { sync: true, sample: () => [sampleExpert()] },
  get: { sync: true, name: 0, sample: (name) => [name] },
  list: { sync: true, sample: () => [] },
  find: { sync: true, sample: () => [{ text: 'sample' }] },
  unregister: { sync: true, name: 0, sample: (name) => [name] },
} satisfies MethodTable<ExpertProvider>;
