import { cloneRecord, encodeRecord, RecordShapes, type State } from '@omega/core';

/** The kind every state error names in its details, and the name `assertValidName` quotes. */
export const STATE_KIND = 'state';

/**
 * The serde text stored for `state` under `id`: the structure is checked and the values encoded in one
 * walk. A bad shape or an unstorable value is an `InvalidArgumentError` naming the state and the path.
 */
export function encodeState(id: string, state: unknown): string {
  return encodeRecord(RecordShapes.state, state, { kind: STATE_KIND, name: id }).text;
}

/** A validated deep copy of `state`, sharing no object with it. Errors as {@link encodeState}. */
export function cloneValidState(state: unknown): State {
  return cloneRecord(RecordShapes.state, state, { kind: STATE_KIND });
}
