import { InvalidNameError } from './errors.js';

/** The one naming rule for sessions, snapshots, state ids and every other stored name. */
export const NAME_RULE = '1-128 characters of A-Z a-z 0-9 . _ -, not starting with "."';

const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** True when `name` follows {@link NAME_RULE}. */
export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && NAME_PATTERN.test(name);
}

/**
 * Throws {@link InvalidNameError} unless `name` follows {@link NAME_RULE}.
 * `kind` names what the name is for ("session", "snapshot", ...), for the message.
 */
export function assertValidName(kind: string, name: unknown): asserts name is string {
  if (isValidName(name)) return;
  const shown =
    typeof name === 'string'
      ? JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)
      : typeof name;
  throw new InvalidNameError(`invalid ${kind} name ${shown}: names must be ${NAME_RULE}`, {
    details: { kind, name, rule: NAME_RULE },
  });
}
