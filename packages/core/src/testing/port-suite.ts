import type { TestFramework } from './suite.js';

/** What a port contract's `open` returns: a fresh, empty port, and how to dispose of what it used. */
export interface PortFixture<P> {
  port: P;
  /** Runs after the test, once every port the test opened is closed. */
  cleanup?: () => Promise<void>;
}

/** Options every port contract takes. */
export interface PortSuiteOptions<P> {
  /**
   * For ports whose data outlives the port object: another port over the same data as `port` (a new
   * store over the same root, say). Enables the tests that reopen; without it they are skipped, saying why.
   */
  reopen?: (port: P) => Promise<P>;
  /** Per-test timeout in milliseconds, for slow backends (a remote server). */
  timeoutMs?: number;
  /** Groups to skip, by title, each with the reason shown (`{ wait: 'no followers' }`). */
  skip?: Readonly<Record<string, string>>;
}

/** How a port contract declares its tests. */
export interface PortTest<P> {
  (title: string, body: (port: P) => Promise<void>): void;
  /** A test that needs `options.reopen`: `reopen()` gives another port over the same data. */
  reopened(title: string, body: (port: P, reopen: () => Promise<P>) => Promise<void>): void;
  /** Declares a group of tests, skipped (saying why) when `options.skip` names it. */
  group(title: string, body: () => void): void;
}

/**
 * The lifecycle every port contract shares: a fresh port per test; afterwards every port the test opened
 * is closed, then cleaned up. Tests that need `reopen` are skipped, saying why, when it is not given.
 */
export function portSuite<P extends { close(): Promise<void> }>(
  framework: TestFramework,
  title: string,
  open: () => Promise<PortFixture<P>>,
  options: PortSuiteOptions<P>,
  body: (test: PortTest<P>) => void,
): void {
  const { describe, it, afterEach } = framework;
  const opened: Array<PortFixture<P>> = [];

  const fresh = async (): Promise<P> => {
    const fixture = await open();
    opened.push(fixture);
    return fixture.port;
  };
  const test = ((name, run) => it(name, async () => run(await fresh()))) as PortTest<P>;
  test.reopened = (name, run) => {
    const { reopen } = options;
    if (reopen === undefined) {
      it.skip(`${name} (skipped: no options.reopen, the data does not outlive the port)`, () => undefined);
      return;
    }
    it(name, async () => {
      const port = await fresh();
      await run(port, async () => {
        const again = await reopen(port);
        opened.push({ port: again });
        return again;
      });
    });
  };

  test.group = (groupTitle, groupBody) => {
    const reason = options.skip?.[groupTitle];
    if (reason === undefined) describe(groupTitle, {}, groupBody);
    else describe(`${groupTitle} (skipped: ${reason})`, {}, () => it.skip(groupTitle, () => undefined));
  };

  describe(title, { timeout: options.timeoutMs }, () => {
    afterEach(async () => {
      const fixtures = opened.splice(0).reverse();
      // Close everything first: a cleanup may remove a directory another port still uses.
      for (const fixture of fixtures) await fixture.port.close();
      for (const fixture of fixtures) await fixture.cleanup?.();
    });
    body(test);
  });
}

/** A promise and the function that resolves it: lets a test order concurrent work without sleeping. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
