import { z } from 'zod';
import { whyNotVal } from './json-look.js';

/**
 * A value of the Omega language: plain data. JSON values plus what JSON loses
 * (`undefined`, `bigint`, non-finite numbers and `-0`, `Date`, `Map`, `Set`, `Uint8Array`).
 * Functions, symbols, class instances and cycles are not values.
 */
export type Val =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Date
  | Uint8Array
  | Val[]
  | Map<Val, Val>
  | Set<Val>
  | { [key: string]: Val };

/**
 * Why `value` is not a {@link Val}, with the path of the first offending part (`$` is the whole value,
 * then `.key`, `["odd key"]`, `[index]`, `.<key n>`/`.<value n>` of a Map, `.<element n>` of a Set);
 * `null` when it is one. Past the value limits (nesting deeper than 1000 containers, an array longer than
 * 2^24 elements, more than 65,536 holes, more than 2^25 parts counted once per path that reaches them) it
 * is not a Val: it could not be stored. Nor are proxies, subclass instances, and arrays, Dates, Maps, Sets
 * and byte arrays with own enumerable properties besides their contents. Each property is read once, so a
 * getter runs once here too.
 */
export function explainNotVal(value: unknown): { path: string; reason: string } | null {
  return whyNotVal(value);
}

/** True when `value` is a {@link Val}. */
export function isVal(value: unknown): value is Val {
  return whyNotVal(value) === null;
}

/** Zod schema accepting exactly the {@link Val}s. */
export const ValSchema = z.custom<Val>((value) => isVal(value), {
  error: (issue) => {
    const bad = explainNotVal(issue.input);
    return bad ? `not a storable value: ${bad.reason} at ${bad.path}` : 'not a storable value';
  },
});
