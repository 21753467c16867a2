import type { Expert } from './index.js';

/** A valid expert named `name`, with `extra` fields over the required ones. */
export function expertNamed(name: string, extra: Partial<Expert> = {}): Expert {
  return { name, description: `The ${name} expert.`, instructions: `Act as ${name}.`, ...extra };
}

/** The names of `experts`, in order. */
export function namesOf(experts: readonly Expert[]): string[] {
  return experts.map((expert) => expert.name);
}
