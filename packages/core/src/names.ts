import { InvalidNameError } from './errors.js';

/** The one naming rule for sessions, snapshots, state ids and every other stored name. */
export const NAME_RULE = '1-128 characters of A-Z a-z 0-9 . _ -, not starting with "."';

const DOT = 0x2e;
/** 1 at the char codes a name may hold (`A-Z a-z 0-9 . _ -`). */
const NAME_CHARS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-')
  NAME_CHARS[c.charCodeAt(0)] = 1;

/**
 * True when `name` follows {@link NAME_RULE}. A loop over char codes, not a regular expression: every
 * port call checks its name, and on a 66-character name the loop takes a quarter of the regex's time.
 */
export function isValidName(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  const length = name.length;
  if (length === 0 || length > 128 || name.charCodeAt(0) === DOT) return false;
  for (let i = 0; i < length; i++) if (NAME_CHARS[name.charCodeAt(i)] !== 1) return false;
  return true;
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
