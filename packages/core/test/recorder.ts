import type { TestFramework } from '../src/testing.js';

/**
 * A framework that records what a suite declares (titles, tests, hooks), so a test can run the declared
 * tests here one by one: how core proves that the scaffold and the port contracts fail flawed providers.
 */
export function recorder() {
  const titles: string[] = [];
  const tests = new Map<string, () => Promise<void> | void>();
  const hooks: { before: Array<() => unknown>; after: Array<() => unknown> } = { before: [], after: [] };
  const path: string[] = [];
  const framework: TestFramework = {
    describe(name, _options, body) {
      titles.push([...path, name].join(' > '));
      path.push(name);
      body();
      path.pop();
    },
    it: Object.assign(
      (name: string, body: () => Promise<void> | void) => tests.set([...path, name].join(' > '), body),
      {
        skip: (name: string) => titles.push(`${[...path, name].join(' > ')} [skipped]`),
      },
    ),
    beforeEach: (body) => hooks.before.push(body),
    afterEach: (body) => hooks.after.push(body),
  };
  async function runTest(body: () => Promise<void> | void): Promise<void> {
    for (const hook of hooks.before) await hook();
    try {
      await body();
    } finally {
      for (const hook of hooks.after) await hook();
    }
  }
  /** Runs the one declared test whose title ends with `suffix`, with the suite's hooks around it. */
  async function run(suffix: string): Promise<void> {
    const found = [...tests].filter(([title]) => title.endsWith(suffix));
    if (found.length !== 1) throw new Error(`${found.length} tests end with "${suffix}"`);
    await runTest(found[0]![1]);
  }
  /** Runs every declared test; resolves to what each that failed threw, by the last segment of its title. */
  async function errors(): Promise<Map<string, unknown>> {
    const failed = new Map<string, unknown>();
    for (const [title, body] of tests) {
      await runTest(body).catch((error: unknown) => failed.set(title.split(' > ').at(-1)!, error));
    }
    return failed;
  }
  /** Runs every declared test; resolves to the last title segment of each that failed. */
  async function failures(): Promise<string[]> {
    return [...(await errors()).keys()];
  }
  return { framework, titles, tests, run, errors, failures };
}
