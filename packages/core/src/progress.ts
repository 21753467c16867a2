import { InvalidArgumentError, isOmegaError } from './errors.js';

/**
 * Told how far a long job (a verify over a whole log) has come: `done` of `total` units. `total` is the
 * size when the job started; a log that grows meanwhile raises it, so `done <= total` always holds.
 */
export type ProgressListener = (done: number, total: number) => void;

/** How many units pass between two calls of a listener, besides the first and the last. */
export const PROGRESS_EVERY = 256;

/**
 * Checks an `onProgress` option (`kind` and `method` name it in the error) and returns a reporter: `at(n)`
 * after each unit calls the listener every {@link PROGRESS_EVERY} units, `end(n)` once at the end. The
 * total is asked for only when there is a listener, and a store too damaged to tell its size (the job
 * itself reports where) starts the count at a total of 0. Without a listener, both do nothing.
 */
export async function checkProgress(
  listener: unknown,
  total: () => Promise<number>,
  where: { kind: string; method: string },
): Promise<{ at(done: number): void; end(done: number): void }> {
  if (listener === undefined) return { at() {}, end() {} };
  if (typeof listener !== 'function') {
    throw new InvalidArgumentError(`${where.method}: onProgress must be a function`, {
      details: { kind: where.kind, argument: 'onProgress' },
    });
  }
  const tell = listener as ProgressListener;
  const size = await total().catch((error: unknown) => {
    if (isOmegaError(error, 'CORRUPT_DATA')) return 0;
    throw error;
  });
  tell(0, size);
  return {
    at(done) {
      if (done % PROGRESS_EVERY === 0) tell(done, Math.max(size, done));
    },
    end(done) {
      tell(done, Math.max(size, done));
    },
  };
}
