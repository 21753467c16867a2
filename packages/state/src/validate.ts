import { cloneVal, encode, InvalidArgumentError, type State, StateSchema } from '@omega/core';

/** The kind every state error names in its details, and the name `assertValidName` quotes. */
export const STATE_KIND = 'state';

/** `$.store.a0[2]`: the style of path `explainNotVal` and the serde errors use. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '$';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return text;
}

/**
 * Parses `state` with `StateSchema`. A bad shape, or something inside that is not a value, is an
 * `InvalidArgumentError` naming the state (when it has an id) and the first bad path.
 */
export function parseState(state: unknown, id?: string): State {
  const parsed = StateSchema.safeParse(state);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = formatPath(issue?.path ?? []);
  const subject = id === undefined ? 'state' : `state "${id}"`;
  throw new InvalidArgumentError(
    `${subject} is not a valid State at ${path}: ${issue?.message ?? 'invalid'}`,
    {
      cause: parsed.error,
      details: id === undefined ? { kind: STATE_KIND, path } : { kind: STATE_KIND, name: id, path },
    },
  );
}

/** The serde text stored for `state` under `id`, after validation. */
export function encodeState(id: string, state: unknown): string {
  return encode(parseState(state, id));
}

/** A validated deep copy of `state`, sharing no object with it. */
export function cloneValidState(state: unknown): State {
  return cloneVal(parseState(state));
}
