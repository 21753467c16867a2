import { type Backing, openBacking } from './backing.js';
import { type Closing, closeAll } from './close.js';
import { FAMILY_FACTORIES } from './factories.js';
import { FAMILY_NAMES, type Families, type FamilyName } from './families.js';
import { type CheckedOptions, checkOptions, type RuntimeOptions } from './options.js';

/** The thirteen families of one store, and one `close()` for all of them. */
export interface Runtime extends Families, AsyncDisposable {
  /** The filesystem preset's root, as an absolute path; undefined for the other presets and a given store. */
  readonly root: string | undefined;
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
  #closed: Promise<void> | undefined;

  constructor(families: Made, backing: Backing, made: readonly Closing[]) {
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
    return new OmegaRuntime(families, backing, made);
  } catch (error) {
    await closeAll([...made.reverse(), ...storesOf(backing)], 'the runtime').catch(() => {});
    throw error;
  }
}
