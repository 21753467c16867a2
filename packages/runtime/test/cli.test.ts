import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertBuilt } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { GROUPS } from '../src/cli/main.js';
import { createRuntime } from '../src/index.js';
import { CLI, damageFamily, familyFiles, omega, omegaInProcess } from './fixtures/cli-run.js';
import {
  RUN,
  SNAPSHOT,
  SPAN_ID,
  STREAM,
  TRACE_ID,
  storeTest as test,
  writeRun,
  writeStore,
} from './fixtures/cli-store.js';

// Each test gets a store of its own (`storeTest`). Each test spawns the built binary at least once
// (`omega`); its further checks run the CLI's `main` in this process (`omegaInProcess`): the same code,
// without a Node.js start-up per call.

beforeAll(() => assertBuilt(CLI));

const json = (text: string): unknown => JSON.parse(text);
const jsonLines = (text: string): unknown[] =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('omega: usage', () => {
  test('every command has --help with its usage and an example, exit 0', async () => {
    const spawned = await omega(['sessions', 'ls', '--help']);
    expect(spawned.code).toBe(0);
    expect(spawned.stdout).toContain('Usage: omega sessions ls');
    for (const group of GROUPS) {
      for (const command of group.commands) {
        const words = command.name === '' ? [group.name] : [group.name, command.name];
        const ran = await omegaInProcess([...words, '--help']);
        expect(ran.code, words.join(' ')).toBe(0);
        expect(ran.stdout).toContain(`Usage: omega ${words.join(' ')}`);
        expect(ran.stdout).toContain('Example:');
        expect(ran.stdout).toContain('--root <dir>');
        expect(ran.stdout).toContain('--json');
        if (command.destructive === true) expect(ran.stdout).toContain('--yes');
      }
    }
  });

  test('omega --help lists every group; a group --help lists its commands', async () => {
    const main = await omega(['--help']);
    expect(main.code).toBe(0);
    for (const group of GROUPS) expect(main.stdout).toContain(group.name);
    const group = await omegaInProcess(['snapshots', '--help']);
    expect(group.code).toBe(0);
    for (const name of ['ls', 'show', 'export', 'import', 'verify'])
      expect(group.stdout).toContain(`  ${name}`);
  });

  test('usage errors exit 2 with the reason on stderr', async ({ root }) => {
    const cases: Array<[string[], string]> = [
      [[], 'Usage: omega <group>'],
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['sessions'], 'Usage: omega sessions <command>'],
      [['sessions', 'list'], 'unknown command "omega sessions list"'],
      [['sessions', 'ls', '--bogus', '--root', root], "Unknown option '--bogus'"],
      [['sessions', 'show', '--root', root], 'wrong number of arguments'],
      [['sessions', 'ls', 'extra', '--root', root], 'wrong number of arguments'],
      [['receipts', 'ls', '--limit', 'ten', '--root', root], '--limit takes a whole number'],
      [['traces', 'tail', '--level', 'loud', '--root', root], '--level takes one of'],
      [['traces', 'export', '--root', root], 'choose the export format: --otlp'],
      [['sessions', 'show', 'bad/name', '--root', root], 'session'],
    ];
    const spawned = await omega(['frobnicate']);
    expect(spawned.code).toBe(2);
    expect(spawned.stderr).toContain('unknown command "frobnicate"');
    for (const [args, message] of cases) {
      const ran = await omegaInProcess(args);
      expect(ran.code, args.join(' ')).toBe(2);
      expect(ran.stderr).toContain(message);
      expect(ran.stdout).toBe('');
    }
  });

  test('a missing store is a problem (exit 1), and nothing is created there', async ({ dir }) => {
    const root = join(dir, 'nowhere');
    const ran = await omega(['sessions', 'ls', '--root', root]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`no Omega store at ${root}`);
    await expect(stat(root)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('--root defaults to .omega in the working directory', async ({ dir }) => {
    await writeStore(join(dir, '.omega'));
    const ran = await omega(['sessions', 'ls', '--json'], { cwd: dir });
    expect(ran.code).toBe(0);
    expect(json(ran.stdout)).toEqual([expect.objectContaining({ name: RUN })]);
  });

  test('off a terminal there is no colour and no progress bar', async ({ root }) => {
    const ran = await omega(['doctor', '--root', root]);
    expect(ran.stdout).not.toContain('\u001b[');
    expect(ran.stderr).toBe('');
  });
});

describe('omega sessions', () => {
  test('ls prints an aligned table, and --json the session infos', async ({ root }) => {
    const table = await omega(['sessions', 'ls', '--root', root]);
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+VERSION\s+SIZE\s+CREATED\s+UPDATED$/);
    expect(row).toMatch(/^run-1\s+1\s+\d+ B\s+\d{4}-/);
    expect(header?.indexOf('CREATED')).toBe(row?.search(/\d{4}-/));
    const listed = await omegaInProcess(['sessions', 'ls', '--root', root, '--json']);
    expect(json(listed.stdout)).toEqual([
      {
        name: RUN,
        version: 1,
        size: expect.any(Number),
        createdAt: expect.any(Number),
        updatedAt: expect.any(Number),
      },
    ]);
  });

  test('show prints the session, --json its state and meta; a missing one is exit 1', async ({ root }) => {
    const shown = await omega(['sessions', 'show', RUN, '--root', root, '--json']);
    expect(shown.code).toBe(0);
    expect(json(shown.stdout)).toMatchObject({
      info: { name: RUN, version: 1 },
      state: { step: 3, status: 'running' },
      meta: { model: 'fake-model' },
    });
    const text = await omegaInProcess(['sessions', 'show', RUN, '--root', root]);
    expect(text.stdout).toMatch(/step:\s+3/);
    const missing = await omegaInProcess(['sessions', 'show', 'run-9', '--root', root]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no session "run-9"');
  });

  test('rm refuses without --yes off a terminal (exit 2, nothing deleted), deletes with it', async ({
    root,
  }) => {
    const refused = await omega(['sessions', 'rm', RUN, '--root', root]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('without --yes');
    expect(json((await omegaInProcess(['sessions', 'ls', '--root', root, '--json'])).stdout)).toHaveLength(1);
    const deleted = await omegaInProcess(['sessions', 'rm', RUN, '--root', root, '--yes', '--json']);
    expect(deleted.code).toBe(0);
    expect(json(deleted.stdout)).toEqual({ deleted: RUN });
    expect(json((await omegaInProcess(['sessions', 'ls', '--root', root, '--json'])).stdout)).toEqual([]);
    expect((await omegaInProcess(['sessions', 'rm', RUN, '--root', root, '--yes'])).code).toBe(1);
  });
});

describe('omega snapshots', () => {
  test('ls and show, as a table and as JSON', async ({ root }) => {
    const listed = await omega(['snapshots', 'ls', '--root', root, '--json']);
    expect(json(listed.stdout)).toEqual([
      {
        name: SNAPSHOT,
        createdAt: Date.UTC(2026, 0, 1),
        size: expect.any(Number),
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    const shown = await omegaInProcess(['snapshots', 'show', SNAPSHOT, '--root', root]);
    expect(shown.stdout).toMatch(/label:\s+after step 3/);
  });

  test('export then import into another store; import over a different snapshot needs --yes', async ({
    dir,
    root,
  }) => {
    const file = join(dir, 'snap.json');
    const exported = await omega(['snapshots', 'export', SNAPSHOT, file, '--root', root]);
    expect(exported.code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('omega.snapshot-export');

    const other = join(dir, 'other');
    {
      await using runtime = await createRuntime({ root: other });
      await runtime.snapshot.save(SNAPSHOT, { state: runtime.state.createState(), createdAt: 1 });
    }
    const refused = await omegaInProcess(['snapshots', 'import', file, '--root', other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`replace snapshot "${SNAPSHOT}"`);
    const before = json(
      (await omegaInProcess(['snapshots', 'ls', '--root', other, '--json'])).stdout,
    ) as Array<{
      digest: string;
    }>;
    const imported = await omegaInProcess(['snapshots', 'import', file, '--root', other, '--yes', '--json']);
    expect(imported.code).toBe(0);
    expect(json(imported.stdout)).toEqual({ imported: [{ name: SNAPSHOT, file }], declined: 0 });
    const after = json(
      (await omegaInProcess(['snapshots', 'ls', '--root', other, '--json'])).stdout,
    ) as Array<{
      digest: string;
    }>;
    const original = json(
      (await omegaInProcess(['snapshots', 'ls', '--root', root, '--json'])).stdout,
    ) as Array<{
      digest: string;
    }>;
    expect(after[0]?.digest).not.toBe(before[0]?.digest);
    expect(after[0]?.digest).toBe(original[0]?.digest);
    // The same snapshot again is a no-op, needing no confirmation.
    expect((await omegaInProcess(['snapshots', 'import', file, '--root', other])).code).toBe(0);
  });

  test('verify is exit 0 on a sound store and exit 1 naming a damaged snapshot', async ({ root }) => {
    const sound = await omega(['snapshots', 'verify', '--root', root, '--json']);
    expect(sound.code).toBe(0);
    expect(json(sound.stdout)).toEqual({ ok: true, checked: 1, bad: [] });
    const files = await familyFiles(root);
    await damageFamily('snapshot', files.snapshot as string);
    const bad = await omegaInProcess(['snapshots', 'verify', '--root', root]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`BAD  ${SNAPSHOT}`);
    expect(bad.stdout).toContain(files.snapshot);
  });
});

describe('omega receipts', () => {
  test('ls filters by run and kind; show finds a receipt by seq or hash prefix', async ({ root }) => {
    const listed = json((await omega(['receipts', 'ls', '--root', root, '--json'])).stdout) as Array<{
      hash: string;
    }>;
    expect(listed).toHaveLength(3);
    expect(
      json((await omegaInProcess(['receipts', 'ls', '--run', 'run-2', '--root', root, '--json'])).stdout),
    ).toEqual([]);
    expect(
      json(
        (
          await omegaInProcess([
            'receipts',
            'ls',
            '--kind',
            'effect',
            '--limit',
            '2',
            '--root',
            root,
            '--json',
          ])
        ).stdout,
      ),
    ).toHaveLength(2);
    const bySeq = json((await omegaInProcess(['receipts', 'show', '1', '--root', root, '--json'])).stdout);
    expect(bySeq).toMatchObject({
      receipt: { seq: 1, runId: RUN, idempotencyKey: `${RUN}:1:0` },
      body: { request: { op: 'search', query: 'q1' }, response: { hits: 1 } },
    });
    const hash = listed[2]?.hash as string;
    const byPrefix = json(
      (await omegaInProcess(['receipts', 'show', hash.slice(0, 12), '--root', root, '--json'])).stdout,
    );
    expect(byPrefix).toMatchObject({ receipt: { seq: 2, hash } });
    expect((await omegaInProcess(['receipts', 'show', '7', '--root', root])).code).toBe(1);
  });

  test('verify passes, prove gives a checked inclusion proof; a damaged log fails verify', async ({
    dir,
    root,
  }) => {
    const verified = await omega(['receipts', 'verify', '--root', root, '--json']);
    expect(verified.code).toBe(0);
    const result = json(verified.stdout) as { ok: boolean; size: number; checkpoint: string };
    expect(result).toMatchObject({ ok: true, size: 3 });
    const proved = await omegaInProcess(['receipts', 'prove', '2', '--root', root, '--json']);
    expect(proved.code).toBe(0);
    expect(json(proved.stdout)).toMatchObject({
      seq: 2,
      treeSize: 3,
      verified: true,
      path: expect.any(Array),
    });
    // A checkpoint kept elsewhere: the log must extend it.
    const kept = join(dir, 'checkpoint');
    await writeFile(kept, result.checkpoint);
    expect((await omegaInProcess(['receipts', 'verify', '--against', kept, '--root', root])).code).toBe(0);
    const files = await familyFiles(root);
    await damageFamily('receipt', files.receipt as string);
    const bad = await omegaInProcess(['receipts', 'verify', '--root', root]);
    expect(bad.code).toBe(1);
    expect(bad.stderr + bad.stdout).toContain('receipts.log');
  });
});

describe('omega traces', () => {
  test('tail prints the last events, filtered by kind and level; --json gives JSON lines', async ({
    root,
  }) => {
    const all = await omega(['traces', 'tail', '--root', root]);
    expect(all.code).toBe(0);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(3);
    const last = await omegaInProcess(['traces', 'tail', '-n', '1', '--root', root]);
    expect(last.stdout).toMatch(/^2026-01-01T00:00:02\.000Z warn {2}run-1 step 2 budget\.alert\n$/);
    const warn = jsonLines(
      (await omegaInProcess(['traces', 'tail', '--level', 'warn', '--root', root, '--json'])).stdout,
    );
    expect(warn).toEqual([expect.objectContaining({ kind: 'budget.alert', level: 'warn', runId: RUN })]);
    const spans = jsonLines(
      (
        await omegaInProcess([
          'traces',
          'tail',
          '--kind',
          'span.start',
          '--run',
          RUN,
          '--root',
          root,
          '--json',
        ])
      ).stdout,
    );
    expect(spans).toEqual([expect.objectContaining({ kind: 'span.start', spanId: SPAN_ID })]);
  });

  test('export --otlp writes OTLP JSON to stdout or a file', async ({ dir, root }) => {
    const printed = await omega(['traces', 'export', '--otlp', '--root', root]);
    expect(printed.code).toBe(0);
    const [data] = jsonLines(printed.stdout) as Array<{
      resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }>;
    }>;
    const span = data?.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, name: 'effect search' });
    const file = join(dir, 'trace.otlp.jsonl');
    const written = await omegaInProcess(['traces', 'export', '--otlp', '--out', file, '--root', root]);
    expect(written.code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(printed.stdout);
  });
});

describe('omega budget', () => {
  test('report gives each ledger: limits, consumed, remaining', async ({ root }) => {
    const ran = await omega(['budget', 'report', '--root', root, '--json']);
    expect(ran.code).toBe(0);
    expect(json(ran.stdout)).toMatchObject({
      default: {
        consumed: { tokens: 120, cost: 0.25 },
        limits: { tokens: 5_000_000 },
        remaining: { tokens: 4_999_880 },
      },
    });
    const table = await omegaInProcess(['budget', 'report', '--root', root]);
    expect(table.stdout).toMatch(/default\s+tokens\s+5000000\s+120\s+0\s+4999880/);
    const missing = await omegaInProcess(['budget', 'report', '--budget', 'nope', '--root', root]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no budget ledger "nope"');
  });

  test('reset needs --budget and --yes, then zeroes the ledger', async ({ root }) => {
    expect((await omega(['budget', 'reset', '--root', root, '--yes'])).code).toBe(2);
    const refused = await omegaInProcess(['budget', 'reset', '--budget', 'default', '--root', root]);
    expect(refused.code).toBe(2);
    const reset = await omegaInProcess(['budget', 'reset', '--budget', 'default', '--root', root, '--yes']);
    expect(reset.code).toBe(0);
    const after = json((await omegaInProcess(['budget', 'report', '--root', root, '--json'])).stdout);
    expect(after).toMatchObject({ default: { consumed: { tokens: 0, cost: 0 } } });
  });
});

describe('omega artifacts, logic, streams, experts, audit', () => {
  test('artifacts stats; prune refuses without --yes and evicts down to --capacity', async ({ root }) => {
    {
      await using runtime = await createRuntime({ root });
      runtime.artifact.put({ exprKey: 'fib-21', depsFingerprint: 'none' }, 10946, { computeTimeMs: 13 });
    }
    expect(json((await omega(['artifacts', 'stats', '--root', root, '--json'])).stdout)).toEqual({
      count: 2,
      bytes: 9,
    });
    expect((await omegaInProcess(['artifacts', 'prune', '--capacity', '1', '--root', root])).code).toBe(2);
    const pruned = await omegaInProcess([
      'artifacts',
      'prune',
      '--capacity',
      '1',
      '--root',
      root,
      '--yes',
      '--json',
    ]);
    expect(pruned.code).toBe(0);
    expect(json(pruned.stdout)).toMatchObject({ evicted: 1, blobsRemoved: 1, count: 1 });
  });

  test('logic query answers over asserted and derived facts', async ({ root }) => {
    const ran = await omega(['logic', 'query', '(tool-result ?tool ?status)', '--root', root, '--json']);
    expect(ran.code).toBe(0);
    expect(json(ran.stdout)).toEqual(
      expect.arrayContaining([
        { tool: 'search', status: 'ok' },
        { tool: 'fetch', status: 'failed' },
      ]),
    );
    const derived = await omegaInProcess(['logic', 'query', '(usable ?tool)', '--root', root]);
    expect(derived.stdout).toMatch(/^\?tool\nsearch\n$/);
    expect((await omegaInProcess(['logic', 'query', '(usable fetch)', '--root', root])).stdout).toContain(
      'no answers',
    );
    expect((await omegaInProcess(['logic', 'query', '(usable', '--root', root])).code).toBe(2);
    const missing = await omegaInProcess([
      'logic',
      'query',
      '(usable ?tool)',
      '--base',
      'other',
      '--root',
      root,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no fact base "other"');
  });

  test('streams ls and cat (text as is, --json lines)', async ({ root }) => {
    const listed = json((await omega(['streams', 'ls', '--root', root, '--json'])).stdout);
    expect(listed).toEqual([expect.objectContaining({ id: STREAM, status: 'done', chunks: 2 })]);
    expect((await omegaInProcess(['streams', 'cat', STREAM, '--root', root])).stdout).toBe('hello \nworld\n');
    const lines = jsonLines(
      (await omegaInProcess(['streams', 'cat', STREAM, '--from', '1', '--root', root, '--json'])).stdout,
    );
    expect(lines).toEqual([{ index: 1, chunk: 'world' }]);
    expect((await omegaInProcess(['streams', 'cat', 'nope', '--root', root])).code).toBe(1);
  });

  test('experts ls and show read <root>/experts, or --dir', async ({ dir, root }) => {
    expect(json((await omega(['experts', 'ls', '--root', root, '--json'])).stdout)).toEqual([
      expect.objectContaining({ name: 'reviewer', model: 'fake-model', tags: ['code', 'review'] }),
    ]);
    const shown = await omegaInProcess(['experts', 'show', 'reviewer', '--root', root]);
    expect(shown.stdout).toContain('You review code.');
    // No such folder: a problem, not an empty list.
    expect((await omegaInProcess(['experts', 'ls', '--dir', join(dir, 'agents'), '--root', root])).code).toBe(
      1,
    );
    expect((await omegaInProcess(['experts', 'show', 'nobody', '--root', root])).code).toBe(1);
    // Experts live in their folder: no store is needed at --root.
    const elsewhere = await omegaInProcess([
      'experts',
      'ls',
      '--dir',
      join(root, 'experts'),
      '--root',
      join(dir, 'no-store'),
      '--json',
    ]);
    expect(elsewhere.code).toBe(0);
    expect(json(elsewhere.stdout)).toEqual([expect.objectContaining({ name: 'reviewer' })]);
    expect(existsSync(join(dir, 'no-store'))).toBe(false);
  });

  test('audit ls lists the decisions, deny included; verify passes', async ({ root }) => {
    const records = json((await omega(['audit', 'ls', '--root', root, '--json'])).stdout) as Array<{
      outcome: string;
    }>;
    expect(records.map((record) => record.outcome)).toEqual(['ok', 'allow', 'deny']);
    const denied = json(
      (await omegaInProcess(['audit', 'ls', '--action', 'file.delete', '--root', root, '--json'])).stdout,
    );
    expect(denied).toEqual([expect.objectContaining({ principal: `agent:${RUN}`, outcome: 'deny' })]);
    const verified = await omegaInProcess(['audit', 'verify', '--root', root, '--json']);
    expect(verified.code).toBe(0);
    expect(json(verified.stdout)).toMatchObject({ ok: true, size: 3 });
  });
});

describe('omega doctor', () => {
  const FAMILIES = [
    'state',
    'session',
    'snapshot',
    'receipt',
    'trace',
    'effects',
    'governance',
    'artifact',
    'logic',
    'stream',
    'security',
    'provenance',
    'expert',
  ];

  test('a sound store: every family checked, exit 0', async ({ root }) => {
    await writeRun(root);
    const ran = await omega(['doctor', '--root', root, '--json']);
    expect(ran.code).toBe(0);
    const report = json(ran.stdout) as {
      ok: boolean;
      families: Array<{ family: string; checked: number; problems: unknown[] }>;
    };
    expect(report.ok).toBe(true);
    expect(report.families.map((family) => family.family)).toEqual(FAMILIES);
    for (const family of report.families) {
      expect(family.problems, family.family).toEqual([]);
      expect(family.checked, family.family).toBeGreaterThan(0);
    }
    const text = await omegaInProcess(['doctor', '--root', root]);
    expect(text.stdout).toContain('every family is sound');
  });

  test('one damaged file in every family: each is named, exit 1', async ({ root }) => {
    await writeRun(root);
    const files = await familyFiles(root);
    for (const [family, file] of Object.entries(files)) await damageFamily(family, file);
    const ran = await omega(['doctor', '--root', root, '--json']);
    expect(ran.code).toBe(1);
    const report = json(ran.stdout) as {
      ok: boolean;
      families: Array<{ family: string; problems: Array<{ item: string; file?: string; error: string }> }>;
    };
    expect(report.ok).toBe(false);
    for (const family of report.families) {
      const named = family.problems.some(
        (problem) =>
          problem.file === files[family.family] || problem.error.includes(files[family.family] as string),
      );
      expect(named, `${family.family}: ${JSON.stringify(family.problems)}`).toBe(true);
    }
    const text = await omegaInProcess(['doctor', '--root', root]);
    expect(text.code).toBe(1);
    for (const family of FAMILIES) expect(text.stdout).toMatch(new RegExp(`corrupt ${family}: `));
  });

  test('a damaged policy file is named, and the audit can still be listed and verified', async ({ root }) => {
    await mkdir(join(root, 'security'), { recursive: true });
    await writeFile(join(root, 'security', 'policy.json'), '{"rules": [{"id": 7}]}');
    const ran = await omega(['doctor', '--root', root, '--json']);
    expect(ran.code).toBe(1);
    const report = json(ran.stdout) as {
      families: Array<{ family: string; problems: Array<{ item: string }> }>;
    };
    const security = report.families.find((family) => family.family === 'security');
    expect(security?.problems).toEqual([expect.objectContaining({ item: 'security/policy.json' })]);
    expect((await omegaInProcess(['audit', 'ls', '--root', root])).code).toBe(0);
    expect((await omegaInProcess(['audit', 'verify', '--root', root])).code).toBe(0);
  });

  test('one damaged family does not stop the others from being checked', async ({ root }) => {
    await writeRun(root);
    const files = await familyFiles(root);
    await damageFamily('session', files.session as string);
    const ran = await omega(['doctor', '--root', root, '--json']);
    expect(ran.code).toBe(1);
    const report = json(ran.stdout) as {
      families: Array<{ family: string; checked: number; problems: unknown[] }>;
    };
    const bad = report.families.filter((family) => family.problems.length > 0).map((family) => family.family);
    expect(bad).toEqual(['session']);
    expect(report.families.every((family) => family.checked > 0)).toBe(true);
  });
});
