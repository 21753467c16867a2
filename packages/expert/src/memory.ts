import { InvalidArgumentError } from '@omega/core';
import { BUILT_IN_EXPERTS } from './builtins.js';
import { ExpertFront, type ExpertFrontInit } from './front.js';
import { KIND } from './rules.js';

export { BUILT_IN_EXPERTS } from './builtins.js';

/** Options of {@link DefaultExpertProvider}. */
export interface DefaultExpertProviderOptions {
  /** Start with the built-in roles (`BUILT_IN_EXPERTS`): true by default; false starts empty. */
  builtins?: boolean;
}

/**
 * The expert registry held in this process: it starts with the built-in roles (planner, coder, reviewer,
 * researcher, summariser, critic) and takes more with `register`. Nothing is stored: the registry lives
 * as long as the object.
 */
export class DefaultExpertProvider extends ExpertFront {
  constructor(options: DefaultExpertProviderOptions = {}, init: ExpertFrontInit = {}) {
    super({ provider: init.provider ?? 'DefaultExpertProvider' });
    if (withBuiltins(this.lifecycle.provider, options)) {
      for (const expert of BUILT_IN_EXPERTS) this.register(expert);
    }
  }
}

function withBuiltins(provider: string, options: unknown): boolean {
  const builtins = (options as { builtins?: unknown } | null)?.builtins;
  if (
    typeof options !== 'object' ||
    options === null ||
    (builtins !== undefined && typeof builtins !== 'boolean')
  ) {
    throw new InvalidArgumentError(`${provider}: option builtins must be a boolean`, {
      details: { provider, kind: KIND, option: 'builtins', value: builtins },
    });
  }
  return builtins !== false;
}
