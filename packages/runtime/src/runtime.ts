import { NotFoundError, type Val } from '@omega/core';
import { RemoteGovernanceProvider } from '@omega/governance/front';
import { type Backing, openBacking } from './backing.js';
import { type Closing, closeAll } from './close.js';
import { FAMILY_FACTORIES } from './factories.js';
import { FAMILY_NAMES, type Families, type FamilyName } from './families.js';
import { EffectJournal } from './journal.js';
import { runtimeMiddleware } from './middleware.js';
import { type CheckedOptions, checkOptions, type RuntimeOptions } from './options.js';
import {
  checkRunId,
  type RunOptions,
  type RunResult,
  runSteps,
  type StepFunction,
  snapshotNameOf,
} from './run.js';

/** What `checkpoint` saved. */
export interface CheckpointInfo {
  /** The snapshot's name, `<runId>.<step>`. */
  name: string;
  runId: string;
  /** Steps the run had taken. */
  step: number;
  label?: string;
  /** SHA-256 of the snapshot's canonical encoding. */
  digest: string;
}

/** What `restore` did. */
export interface RestoreInfo {
  runId: string;
  /** The snapshot the run's session now holds. */
  snapshot: string;
  /** The step the run resumes from. */
  step: number;
}

/** The thirteen families of one store, and one `close()` for all of them. */
export interface Runtime extends Families, AsyncDisposable {
  /** The filesystem preset's root, as an absolute path; undefined for the other presets and a given store. */
  readonly root: string | undefined;
  /**
   * Drives `step` until the state halts (`options.isHalted`, default `state.halted === true`), an effect
   * finds the budget spent, `maxSteps` is reached, or a step fails. The session `runId` is saved with
   * compare-and-swap every `saveEvery` steps (default 1) and a snapshot taken every `snapshotEvery`; called
   * again for the same run, it resumes from the last saved session. Effects dispatched through `ctx.effect`
   * are exactly-once across crashes (key `<runId>:<step>:<index>`). Resolves, never rejects for a failed
   * step: `stoppedBy: 'error'` carries it.
   */
  run<S extends Val>(runId: string, step: StepFunction<S>, options: RunOptions<S>): Promise<RunResult<S>>;
  /** Snapshots the run's saved session as `<runId>.<step>`; `NotFoundError` when the run has none. */
  checkpoint(runId: string, label?: string): Promise<CheckpointInfo>;
  /**
   * Makes snapshot `snapshotName` the run's session (compare-and-swap), so the next `run` resumes from it.
   * Effects of the steps it replays come back from the journal: to take other paths, use a new run id.
   */
  restore(runId: string, snapshotName: string): Promise<RestoreInfo>;
  /**
   * Closes every family the runtime made, in the reverse order of creation, every one even if another
   * fails, then the stores it made; the failures are thrown together as an `AggregateError`. Providers
   * given in `providers` and a given `store` are their owner's to close. Idempotent.
   */
  close(): Promise<void>;
}

type Made = { [F in FamilyName]: Families[F] };

/** Makes each family not given in `providers`, in {@link FAMILY_NAMES} order; `made` gets what to close. */
function makeFamilies(backing: Backing, options: CheckedOptions, made: Closing[]): Made {
  const families: Partial<Made> = {};
  const add = <F extends FamilyName>(name: F) => {
    const given = options.providers[name];
    if (given !== undefined) {
      families[name] = given;
      return;
    }
    const provider = FAMILY_FACTORIES[name]({ backing, options });
    families[name] = provider;
    made.push({ name, close: () => provider.close() });
  };
  for (const name of FAMILY_NAMES) add(name);
  return families as Made;
}

const storesOf = (backing: Backing): Closing[] =>
  backing.owned.map((store, index) => ({ name: `store ${index}`, close: () => store.close() }));

/** A runtime over `backing`: see {@link createRuntime}. */
class OmegaRuntime implements Runtime {
  readonly root: string | undefined;
  readonly state: Families['state'];
  readonly session: Families['session'];
  readonly snapshot: Families['snapshot'];
  readonly receipt: Families['receipt'];
  readonly trace: Families['trace'];
  readonly effects: Families['effects'];
  readonly governance: Families['governance'];
  readonly artifact: Families['artifact'];
  readonly logic: Families['logic'];
  readonly stream: Families['stream'];
  readonly security: Families['security'];
  readonly provenance: Families['provenance'];
  readonly expert: Families['expert'];
  readonly #closing: Closing[];
  readonly #journal: EffectJournal;
  #closed: Promise<void> | undefined;

  constructor(families: Made, backing: Backing, made: readonly Closing[], journal: EffectJournal) {
    this.#journal = journal;
    this.root = backing.root;
    this.state = families.state;
    this.session = families.session;
    this.snapshot = families.snapshot;
    this.receipt = families.receipt;
    this.trace = families.trace;
    this.effects = families.effects;
    this.governance = families.governance;
    this.artifact = families.artifact;
    this.logic = families.logic;
    this.stream = families.stream;
    this.security = families.security;
    this.provenance = families.provenance;
    this.expert = families.expert;
    this.#closing = [...[...made].reverse(), ...storesOf(backing)];
  }

  run<S extends Val>(runId: string, step: StepFunction<S>, options: RunOptions<S>): Promise<RunResult<S>> {
    const { session, snapshot, trace, effects } = this;
    return runSteps({ session, snapshot, trace, effects, journal: this.#journal }, runId, step, options);
  }

  async checkpoint(runId: string, label?: string): Promise<CheckpointInfo> {
    checkRunId(runId);
    const saved = await this.session.load(runId);
    if (saved === null) {
      throw new NotFoundError(`run "${runId}" has no saved session to checkpoint`, {
        details: { kind: 'session', name: runId },
      });
    }
    const step = saved.state.step;
    const name = snapshotNameOf(runId, step);
    await this.snapshot.save(name, {
      state: saved.state,
      createdAt: Date.now(),
      ...(label === undefined ? {} : { label }),
    });
    const info = await this.snapshot.info(name);
    return { name, runId, step, ...(label === undefined ? {} : { label }), digest: info?.digest ?? '' };
  }

  async restore(runId: string, snapshotName: string): Promise<RestoreInfo> {
    checkRunId(runId);
    const snapshot = await this.snapshot.load(snapshotName);
    if (snapshot === null) {
      throw new NotFoundError(`snapshot "${snapshotName}" to restore run "${runId}" from does not exist`, {
        details: { kind: 'snapshot', name: snapshotName },
      });
    }
    const info = await this.session.info(runId);
    await this.session.save(
      runId,
      { state: snapshot.state, meta: { runtime: 'run', restoredFrom: snapshotName } },
      { expectedVersion: info?.version ?? 0 },
    );
    return { runId, snapshot: snapshotName, step: snapshot.state.step };
  }

  close(): Promise<void> {
    this.#closed ??= closeAll(this.#closing, 'the runtime');
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * One object holding a provider for each of the thirteen families, over one store: the filesystem preset
 * (default; everything under `root`, `.omega/`), `memory`, `postgres`, or a store of yours. Families named
 * in `providers` are yours (a mock, say). A family whose options are refused rejects the promise, and what
 * was made before it is closed.
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const checked = checkOptions(options);
  const backing = await openBacking(checked);
  const made: Closing[] = [];
  try {
    const families = makeFamilies(backing, checked, made);
    // A remote governance client takes its first lease before its synchronous methods can answer.
    if (families.governance instanceof RemoteGovernanceProvider) await families.governance.ready();
    const journal = new EffectJournal(backing.store);
    families.effects.use(runtimeMiddleware({ ...families, journal, prices: checked.prices }));
    return new OmegaRuntime(families, backing, made, journal);
  } catch (error) {
    await closeAll([...made.reverse(), ...storesOf(backing)], 'the runtime').catch(() => {});
    throw error;
  }
}
