import { z } from 'zod';

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

/** Why `value` is not a {@link Val}, with the path of the first offending part; `null` when it is one. */
export function explainNotVal(value: unknown): { path: string; reason: string } | null {
  return check(value, '$', new Set());
}

/** True when `value` is a {@link Val}. */
export function isVal(value: unknown): value is Val {
  return explainNotVal(value) === null;
}

function check(value: unknown, path: string, ancestors: Set<object>): { path: string; reason: string } | null {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
    case 'number':
    case 'bigint':
    case 'string':
      return null;
    case 'function':
      return { path, reason: 'a function' };
    case 'symbol':
      return { path, reason: 'a symbol' };
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Date || obj instanceof Uint8Array) return null;
  if (ancestors.has(obj)) return { path, reason: 'a cycle' };
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) {
        const bad = check(obj[i], `${path}[${i}]`, ancestors);
        if (bad) return bad;
      }
      return null;
    }
    if (obj instanceof Map) {
      let i = 0;
      for (const [k, v] of obj) {
        const bad = check(k, `${path}.<key ${i}>`, ancestors) ?? check(v, `${path}.<value ${i}>`, ancestors);
        if (bad) return bad;
        i++;
      }
      return null;
    }
    if (obj instanceof Set) {
      let i = 0;
      for (const v of obj) {
        const bad = check(v, `${path}.<element ${i}>`, ancestors);
        if (bad) return bad;
        i++;
      }
      return null;
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      return { path, reason: `an instance of ${proto?.constructor?.name ?? 'an unknown class'}` };
    }
    for (const key of Object.keys(obj)) {
      const bad = check((obj as Record<string, unknown>)[key], `${path}.${key}`, ancestors);
      if (bad) return bad;
    }
    return null;
  } finally {
    ancestors.delete(obj);
  }
}

/** Zod schema accepting exactly the {@link Val}s. */
export const ValSchema = z.custom<Val>((value) => isVal(value), {
  error: (issue) => {
    const bad = explainNotVal(issue.input);
    return bad ? `not a storable value: ${bad.reason} at ${bad.path}` : 'not a storable value';
  },
});
