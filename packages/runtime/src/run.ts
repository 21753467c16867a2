import {
  assertValidName,
  cloneVal,
  InvalidArgumentError,
  InvalidNameError,
  NAME_RULE,
  type State,
  type Val,
} from '@omega/core';
import type { EffectHandlerRegistry, EffectResult } from '@omega/effects';
import type { SessionProvider } from '@omega/session';
import type { SnapshotProvider } from '@omega/snapshot';
import type { TraceProvider } from '@omega/trace';
import type { EffectJournal } from './journal.js';
import { RUNTIME_ERROR_CODES } from './middleware.js';

/** What a step function gets besides the state. */
export interface StepContext {
  /** The run. */
  runId: string;
  /** The step being taken: 0 for the first. */
  step: number;
  /**
   * Dispatches `op` through the effect registry and the runtime's middleware. Exactly once per run, step
   * and index within the step: a resumed step that dispatches the same key gets the recorded result back
   * without the handler being called, budget charged or a receipt written again.
   */
  effect(op: string, ...args: Val[]): Promise<EffectResult>;
  /** The run's signal, when one was given. */
  signal?: AbortSignal;
}

/** A caller's step function: the next state of `state`. */
export type StepFunction<S extends Val> = (state: S, ctx: StepContext) => Promise<S>;

/** Options of `Runtime.run`. */
export interface RunOptions<S extends Val> {
  /** The state of a run that has no saved session yet. */
  initial: S;
  /** Whether the run is done (default: `state.halted === true`). */
  isHalted?: (state: S) => boolean;
  /** Most steps the run takes in all, resumed ones included (default: no limit). */
  maxSteps?: number;
  /** Save the session every this many steps (default 1); a crash loses at most the steps since. */
  saveEvery?: number;
  /** Take a snapshot `<runId>.<step>` every this many steps (default: none). */
  snapshotEvery?: number;
  /** Stops the run before its next step (`stoppedBy: 'error'`); passed to every step. */
  signal?: AbortSignal;
}

/** How a run ended. */
export interface RunResult<S extends Val> {
  /** The last state (saved in the session unless `stoppedBy` is `error`). */
  state: S;
  /** Steps taken in all, by this call and the calls it resumed. */
  steps: number;
  /** `halted`: `isHalted`; `budget`: an effect found the budget spent; `iterations`: `maxSteps`; `error`. */
  stoppedBy: 'halted' | 'budget' | 'iterations' | 'error';
  /** What stopped a run with `stoppedBy: 'error'`: the step's throw, a save's conflict, the signal's reason. */
  error?: unknown;
}

/** What a run needs of the runtime. */
export interface RunParts {
  session: SessionProvider;
  snapshot: SnapshotProvider;
  trace: TraceProvider;
  effects: EffectHandlerRegistry;
  journal: EffectJournal;
}

/** Longest run id: the name rule's 128, less room for a snapshot's `.<step>`. */
export const MAX_RUN_ID_LENGTH = 100;

/** The session of a run: the caller's state as the machine's control, and the step count. */
export function stateOf<S extends Val>(value: S, steps: number, halted: boolean): State {
  return { control: value, env: {}, store: {}, kont: [], step: steps, status: halted ? 'halted' : 'running' };
}

/** The snapshot name of a run's state after `steps` steps. */
export const snapshotNameOf = (runId: string, steps: number) => `${runId}.${steps}`;

const defaultHalted = (state: Val) =>
  typeof state === 'object' && state !== null && (state as { halted?: unknown }).halted === true;

function positiveInteger(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new InvalidArgumentError(`run: option ${option} must be a positive integer`, {
    details: { provider: 'Runtime.run', option, value: typeof value === 'number' ? value : String(value) },
  });
}

/** Throws `InvalidNameError` unless `runId` follows the name rule within {@link MAX_RUN_ID_LENGTH}. */
export function checkRunId(runId: unknown): asserts runId is string {
  assertValidName('run', runId);
  if (runId.length > MAX_RUN_ID_LENGTH) {
    throw new InvalidNameError(
      `invalid run name "${runId.slice(0, 40)}…": a run id has at most ${MAX_RUN_ID_LENGTH} characters (its snapshots add ".<step>"), and names must be ${NAME_RULE}`,
      { details: { kind: 'run', name: runId, rule: NAME_RULE, maxLength: MAX_RUN_ID_LENGTH } },
    );
  }
}

/**
 * Drives `step` from the run's saved session (or `options.initial`) until it halts, the budget or the
 * iteration limit stops it, or a step fails. See `Runtime.run`.
 */
export async function runSteps<S extends Val>(
  parts: RunParts,
  runId: string,
  step: StepFunction<S>,
  options: RunOptions<S>,
): Promise<RunResult<S>> {
  checkRunId(runId);
  const isHalted = options.isHalted ?? defaultHalted;
  const maxSteps = positiveInteger('maxSteps', options.maxSteps, Number.POSITIVE_INFINITY);
  const saveEvery = positiveInteger('saveEvery', options.saveEvery, 1);
  const snapshotEvery = positiveInteger('snapshotEvery', options.snapshotEvery, Number.POSITIVE_INFINITY);
  const { session, snapshot, trace, effects, journal } = parts;

  const saved = await session.load(runId);
  let version = saved === null ? 0 : ((await session.info(runId))?.version ?? 0);
  let state = (saved === null ? cloneVal(options.initial) : saved.state.control) as S;
  let steps = saved === null ? 0 : saved.state.step;
  let unsaved = false;
  let budgetSpent = false;

  const save = async () => {
    await session.save(
      runId,
      { state: stateOf(state, steps, isHalted(state)), meta: { runtime: 'run' } },
      { expectedVersion: version },
    );
    version += 1;
    unsaved = false;
  };

  const finish = async (stoppedBy: Exclude<RunResult<S>['stoppedBy'], 'error'>): Promise<RunResult<S>> => {
    if (unsaved) await save();
    trace.record({ runId, kind: 'run.stop', step: steps, data: { stoppedBy } });
    return { state, steps, stoppedBy };
  };
  const failed = (error: unknown): RunResult<S> => {
    trace.record({ runId, kind: 'run.stop', step: steps, level: 'error', data: { stoppedBy: 'error' } });
    return { state, steps, stoppedBy: 'error', error };
  };

  trace.record({ runId, kind: saved === null ? 'run.start' : 'run.resume', step: steps });
  try {
    for (;;) {
      if (isHalted(state)) return await finish('halted');
      if (budgetSpent) return await finish('budget');
      if (steps >= maxSteps) return await finish('iterations');
      if (options.signal?.aborted) {
        if (unsaved) await save();
        return failed(options.signal.reason);
      }
      const current = steps;
      let index = 0;
      const signal = options.signal ?? new AbortController().signal;
      const context: StepContext = {
        runId,
        step: current,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        effect: async (op, ...args) => {
          const key = `${runId}:${current}:${index++}`;
          const recorded = await journal.get(key);
          const result =
            recorded?.result ??
            (await effects.dispatch(op, { runId, step: current, op, signal, meta: { key } }, ...args));
          if (!result.ok && result.error.code === RUNTIME_ERROR_CODES.BUDGET_EXCEEDED) budgetSpent = true;
          return result;
        },
      };
      const next = await step(state, context);
      state = next;
      steps = current + 1;
      unsaved = true;
      trace.record({ runId, kind: 'step', step: current });
      if (steps % saveEvery === 0) await save();
      if (steps % snapshotEvery === 0) {
        await snapshot.save(snapshotNameOf(runId, steps), {
          state: stateOf(state, steps, isHalted(state)),
          createdAt: Date.now(),
          label: `step ${steps}`,
        });
      }
    }
  } catch (error) {
    return failed(error);
  }
}
