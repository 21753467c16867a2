import { TraceFront, type TraceFrontOptions } from './front.js';
import { integerOption, knownOptions } from './options.js';
import { RingSink } from './ring.js';

/** Options of {@link MemoryTraceProvider}: `capacity` (events kept, default 10,000) and `now`. */
export interface MemoryTraceProviderOptions extends TraceFrontOptions {
  capacity?: number;
}

/** The options a memory front takes, checked; `provider` names the class in errors. */
export function memorySink(provider: string, options: MemoryTraceProviderOptions, extra: string[] = []) {
  const checked = knownOptions(provider, options, ['capacity', 'now', ...extra]);
  return new RingSink(integerOption(provider, checked, 'capacity', { min: 1, fallback: 10_000 }));
}

/**
 * Traces held in this process, for tests and short runs: a ring of the last `capacity` events, the
 * oldest dropped (and counted in `stats().dropped`) when it is full.
 */
export class MemoryTraceProvider extends TraceFront {
  constructor(options: MemoryTraceProviderOptions = {}) {
    super(memorySink('MemoryTraceProvider', options), options, { provider: 'MemoryTraceProvider' });
  }
}
