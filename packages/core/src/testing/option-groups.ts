import { resolve } from 'node:path';
import type { Closable } from '../lifecycle.js';
import {
  assertOptionsRefused,
  BAD_CLOCK_OPTIONS,
  BAD_FILESYSTEM_OPTIONS,
  BAD_MOCK_OPTIONS,
  check,
} from './assertions.js';
import type { TestFramework } from './suite.js';

/** Options as a constructor takes them, for {@link describeOptionChecks}. */
type Options = Record<string, unknown>;

/** The constructors of one family's providers, for {@link describeOptionChecks}. */
export interface FamilyConstructors {
  /** What the family's names name: `session`, for the suite title. */
  kind: string;
  /** Whether the providers take a clock (`now`): then each refuses {@link BAD_CLOCK_OPTIONS} too. */
  clock: boolean;
  /** The filesystem provider, given a root and the options under test. */
  filesystem(options: Options & { root: string }): Closable & { readonly root: string };
  /** The generated mock. */
  mock(options: Options): Closable;
  /** The memory provider, where it takes options (the clock). */
  memory?(options: Options): Closable;
}

// Never used: every constructor must refuse its options before touching the disk.
const ROOT = '/nonexistent/omega-options-test';

/**
 * The option checks every family's providers share: each constructor refuses a bad option at once with an
 * `InvalidArgumentError` naming it (the filesystem ones of the store, the mock's latency, the clock where
 * the family has one), and the filesystem provider resolves a relative root at construction. A family's
 * options test is this call; options of its own get tests of their own.
 *
 * @example
 * describeOptionChecks(vitest, { kind: 'session', clock: true, memory: (o) => new MemorySessionProvider(o),
 *   filesystem: (o) => new FilesystemSessionProvider(o), mock: (o) => new MockSessionProvider(o) });
 */
export function describeOptionChecks(
  { describe, it }: TestFramework,
  constructors: FamilyConstructors,
): void {
  const clock = constructors.clock ? BAD_CLOCK_OPTIONS : [];
  const { filesystem, mock, memory } = constructors;

  describe(`${constructors.kind} provider constructors refuse bad options, naming the option`, {}, () => {
    it('the filesystem provider', () => {
      assertOptionsRefused(
        (options) => filesystem({ root: ROOT, ...options }),
        [...clock, ...BAD_FILESYSTEM_OPTIONS],
      );
    });

    it('the mock', () => {
      assertOptionsRefused(mock, [...clock, ...BAD_MOCK_OPTIONS]);
    });

    if (memory) {
      it('the memory provider', () => {
        assertOptionsRefused(memory, clock);
      });
    }

    it('the filesystem provider resolves a relative root at construction', async () => {
      const provider = filesystem({ root: 'relative/store' });
      check(
        provider.root === resolve('relative/store'),
        `root is ${provider.root}, not ${resolve('relative/store')}`,
      );
      await provider.close();
    });
  });
}
