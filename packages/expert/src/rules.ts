import {
  AlreadyExistsError,
  assertValidName,
  cloneRecord,
  cloneVal,
  InvalidArgumentError,
  issuePath,
  ShapeParts,
  type Val,
} from '@omega/core';
import { type Expert, type ExpertQuery, expertOf, type RegisterExpertOptions } from './index.js';

/** What this family's names name, in every error and name check. */
export const KIND = 'expert';

// The structure-only twin of ExpertSchema: cloneRecord checks the values while it copies them.
const ExpertShape = expertOf(ShapeParts);

/** The fields of an {@link Expert}, in the order of its schema. */
export const EXPERT_FIELDS: readonly string[] = Object.keys(ExpertShape.shape);

/**
 * A validated copy of `expert`, sharing nothing with it. A name breaking the rule is an
 * `InvalidNameError`; anything else wrong an `InvalidArgumentError` whose `details.path` names the field
 * (`$.tools[1]`, `$.meta.x`), an unknown field included.
 */
export function checkedExpert(provider: string, expert: unknown): Expert {
  const name = (expert as { name?: unknown } | null)?.name;
  if (typeof name === 'string') assertValidName(KIND, name);
  if (typeof expert === 'object' && expert !== null && !Array.isArray(expert)) {
    const unknown = Object.keys(expert).find((key) => !EXPERT_FIELDS.includes(key));
    if (unknown !== undefined) {
      throw new InvalidArgumentError(
        `${provider}.register: ${JSON.stringify(unknown)} is not a field of Expert`,
        {
          details: { provider, kind: KIND, name, path: issuePath([unknown]), reason: 'unknown field' },
        },
      );
    }
  }
  return cloneRecord(ExpertShape, expert, { kind: KIND, name: typeof name === 'string' ? name : undefined });
}

/** `options` of `register`, checked: `InvalidArgumentError` naming `options.replace`. */
export function replaceOption(
  provider: string,
  name: string,
  options: RegisterExpertOptions | undefined,
): boolean {
  if (options === undefined) return false;
  const replace = (options as { replace?: unknown } | null)?.replace;
  if (
    typeof options !== 'object' ||
    options === null ||
    (replace !== undefined && typeof replace !== 'boolean')
  ) {
    throw new InvalidArgumentError(`${provider}.register: options.replace must be a boolean`, {
      details: { provider, kind: KIND, name, path: 'options.replace' },
    });
  }
  return replace === true;
}

/** `query` of `find`, checked: `InvalidArgumentError` naming `query`, `query.text` or `query.tags`. */
export function checkedQuery(provider: string, query: unknown): ExpertQuery {
  const wrong = (path: string, reason: string) =>
    new InvalidArgumentError(`${provider}.find: ${path} ${reason}`, {
      details: { provider, method: 'find', kind: KIND, path, reason },
    });
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw wrong('query', 'must be an object');
  }
  const { text, tags } = query as { text?: unknown; tags?: unknown };
  if (text !== undefined && typeof text !== 'string') throw wrong('query.text', 'must be a string');
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'))) {
    throw wrong('query.tags', 'must be an array of strings');
  }
  return { text, tags };
}

/** The error of registering a name taken already, without `replace`. */
export function alreadyRegistered(provider: string, name: string, file?: string): AlreadyExistsError {
  const from = file === undefined ? '' : ` (from ${file})`;
  return new AlreadyExistsError(`expert "${name}"${from} is registered already (pass { replace: true })`, {
    details: file === undefined ? { provider, kind: KIND, name } : { provider, kind: KIND, name, file },
  });
}

/** A copy of a stored expert for a caller: the registry's own copy never leaves it. */
export function copyOf(expert: Expert): Expert {
  return cloneVal(expert as unknown as Val) as unknown as Expert;
}
