import { type FrontOptions, InvalidArgumentError, isValidName, NAME_RULE } from '@omega/core';
import { DEFAULT_NAME, KIND } from './rules.js';

/**
 * Options every logic backend takes: `name`, the fact base (providers opening one name in one store share
 * one base; default `facts`), `compactAfter`, and `now`, the clock of each change's timestamp (default
 * `Date.now`).
 */
export interface LogicFrontOptions extends FrontOptions {
  /**
   * The fact base: a name by the name rule, of at most {@link MAX_BASE_NAME} characters and without `..`
   * (its compacted generations are `<name>..<generation>.<id>`).
   */
  name?: string;
  /**
   * Compact the base's log once its current generation holds at least this many entries, half of them
   * dead (retracted facts, cleared ones, duplicates of a compaction): a positive integer, default
   * {@link DEFAULT_COMPACT_AFTER}.
   */
  compactAfter?: number;
}

/** Longest fact base name: room is left for a generation suffix within the name rule's 128 characters. */
export const MAX_BASE_NAME = 96;

/**
 * Default of `compactAfter`: replaying 1,024 entries on open costs a few milliseconds, so a smaller log
 * is not worth a compaction, while a base that churns gets compacted long before opening it is slow.
 */
export const DEFAULT_COMPACT_AFTER = 1_024;

/** `options` checked: an `InvalidArgumentError` naming the first bad option (`details.option`). */
export function checkOptions(
  provider: string,
  options: LogicFrontOptions,
): { name: string; compactAfter: number } {
  const { name = DEFAULT_NAME, compactAfter = DEFAULT_COMPACT_AFTER } = options;
  if (!isValidName(name) || name.length > MAX_BASE_NAME || name.includes('..')) {
    throw new InvalidArgumentError(
      `${provider}: option name must follow the name rule (${NAME_RULE}), be at most ${MAX_BASE_NAME} characters and hold no ".."`,
      { details: { provider, kind: KIND, option: 'name', value: name } },
    );
  }
  if (!Number.isSafeInteger(compactAfter) || compactAfter < 1) {
    throw new InvalidArgumentError(`${provider}: option compactAfter must be a positive integer`, {
      details: { provider, kind: KIND, option: 'compactAfter', value: compactAfter },
    });
  }
  return { name, compactAfter };
}
