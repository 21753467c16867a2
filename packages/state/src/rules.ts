import {
  cloneRecord,
  decode,
  decodeRecord,
  documentSpec,
  encodeRecord,
  NotFoundError,
  ShapeParts,
  type State,
  TimestampSchema,
  z,
} from '@omega/core';

/** What a state id names, in every error and name check. */
export const KIND = 'state';

/** Family fields of a stored state's header, beside format, version, name and bodyBytes. */
const StateHeaderSchema = z.object({ updatedAt: TimestampSchema });
export type StateHeader = z.infer<typeof StateHeaderSchema>;

/**
 * How states are stored on any document backend: `state/<id>`, format `omega.state` v1, a header of
 * `{ updatedAt }` (the layout files have always had, so existing stores stay readable).
 */
export const DOCUMENTS = documentSpec({ kind: KIND, folder: 'state', header: StateHeaderSchema });

/**
 * The serde text stored for `state` under `id`: the structure is checked and the values encoded in one
 * walk. A bad shape or an unstorable value is an `InvalidArgumentError` naming the state and the path.
 */
export function encodeState(id: string, state: unknown): string {
  return encodeRecord(ShapeParts.state, state, { kind: KIND, name: id }).text;
}

/**
 * The state of a stored body. A `prevalidated` body was encoded by this process from a validated state, so
 * it decodes unchecked; any other is validated, a bad one being a `CorruptDataError` naming `file`.
 */
export function decodeState(id: string, body: string, prevalidated: boolean, file?: string): State {
  return prevalidated
    ? (decode(body) as State)
    : decodeRecord(ShapeParts.state, body, { kind: KIND, name: id, file });
}

/** A validated deep copy of `state`, sharing no object with it. Errors as {@link encodeState}. */
export function cloneValidState(state: unknown): State {
  return cloneRecord(ShapeParts.state, state, { kind: KIND });
}

/** The error of deleting an id that has no state. */
export function notFound(id: string): NotFoundError {
  return new NotFoundError(`no state "${id}" to delete`, { details: { kind: KIND, name: id } });
}
