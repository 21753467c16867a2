/*
 * V8 discards optimized code when a full GC finds no live object of a hidden class the code made or
 * read, and a small save or load leaves none of its objects alive: after every full GC that code ran
 * unoptimized for a while (measured in a benchmark that collects before each batch: 1 KB saves 35%
 * slower on tmpfs, loads 7%). Keeping the last object of each kind keeps its class alive.
 */
const byName = new Map<string, unknown>();
const byOwner = new WeakMap<object, unknown>();

/**
 * Keeps `value` alive until the next value of the same kind: `kind` names a call site, or is an object
 * (such as a schema) whose values share classes.
 */
export function keepShape(kind: string | object, value: unknown): void {
  if (typeof kind === 'string') byName.set(kind, value);
  else byOwner.set(kind, value);
}
