import { type FilesystemCalls, io } from '../fs/io.js';

/** A fault {@link runWithFault} can inject: a system error code, or a write that stores only part of its data. */
export type InjectedFault = 'EIO' | 'ENOSPC' | 'EACCES' | 'EMFILE' | 'short write';

/** Every {@link InjectedFault}. */
export const INJECTED_FAULTS: readonly InjectedFault[] = ['EIO', 'ENOSPC', 'EACCES', 'EMFILE', 'short write'];

const ERRNO: Record<Exclude<InjectedFault, 'short write'>, number> = {
  EIO: -5,
  ENOSPC: -28,
  EACCES: -13,
  EMFILE: -24,
};

const WRITES = new Set<keyof FilesystemCalls>(['writevSync', 'writev']);

/** Where to inject: the `at`-th call (from 1) of the operation; for `'short write'`, its `at`-th write. */
export interface FaultPlan {
  at: number;
  fault: InjectedFault;
}

/** What {@link runWithFault} saw. */
export interface FaultRun<T> {
  /** The filesystem calls the operation made, in order (names of the toolkit's `io` table). */
  calls: string[];
  /** How many of them were writes. */
  writes: number;
  /** The injected fault, when the plan's call was reached: the call and the error it raised (if any). */
  injected: { call: string; error: NodeJS.ErrnoException | null } | null;
  /** Process warnings the operation emitted (such as `OMEGA_LOCK_RELEASE_FAILED`); kept from stderr. */
  warnings: string[];
  /** Whether the operation resolved, and with what, or the error it rejected with. */
  outcome: { ok: true; value: T } | { ok: false; error: unknown };
}

// Writes only the first half of the first buffer (at least one byte), as a device that accepts part of a
// write does; the caller must notice and write the rest.
function shortWriteArgs(args: unknown[]): unknown[] {
  const [fd, buffers, ...rest] = args as [number, Uint8Array[], ...unknown[]];
  const first = buffers.find((buffer) => buffer.byteLength > 0);
  if (first === undefined) return args;
  return [fd, [first.subarray(0, Math.max(1, first.byteLength >> 1))], ...rest];
}

function injectedError(fault: Exclude<InjectedFault, 'short write'>, call: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${fault}: injected fault, ${call}`);
  error.code = fault;
  error.errno = ERRNO[fault];
  error.syscall = call.replace(/Sync$/, '');
  return error;
}

/**
 * Runs `operation` with every filesystem call of the `@omega/core/fs` toolkit counted, and, with a
 * `plan`, the planned call failing with the planned fault: sync calls throw, async ones reject, and a
 * short write stores part of the data and reports that. Calls of other code (the test's own, Node's)
 * are not counted. Process warnings emitted meanwhile are collected instead of printed. Not reentrant: one operation at a time per process, which test files are.
 */
export async function runWithFault<T>(operation: () => Promise<T>, plan?: FaultPlan): Promise<FaultRun<T>> {
  const table = io as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = { ...table };
  const calls: string[] = [];
  let writes = 0;
  let injected: FaultRun<T>['injected'] = null;
  for (const [call, original] of Object.entries(originals)) {
    table[call] = (...args: unknown[]) => {
      calls.push(call);
      const isWrite = WRITES.has(call as keyof FilesystemCalls);
      if (isWrite) writes++;
      if (plan !== undefined && injected === null) {
        if (plan.fault === 'short write') {
          if (isWrite && writes === plan.at) {
            injected = { call, error: null };
            return original(...shortWriteArgs(args));
          }
        } else if (calls.length === plan.at) {
          const error = injectedError(plan.fault, call);
          injected = { call, error };
          if (call.endsWith('Sync')) throw error;
          return Promise.reject(error);
        }
      }
      return original(...args);
    };
  }
  const warnings: string[] = [];
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error) => {
    warnings.push(typeof warning === 'string' ? warning : warning.message);
  }) as typeof process.emitWarning;
  let outcome: FaultRun<T>['outcome'];
  try {
    outcome = { ok: true, value: await operation() };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    Object.assign(table, originals);
    process.emitWarning = emitWarning;
  }
  return { calls, writes, injected, warnings, outcome };
}

/** True when `cause` is `error` or on its chain of `cause`s. */
export function causedBy(error: unknown, cause: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 16; depth++) {
    if (current === cause) return true;
    current = (current as { cause?: unknown } | null)?.cause;
  }
  return false;
}
