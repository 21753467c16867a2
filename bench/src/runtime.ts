import path from 'node:path';
import { emptyState, encode, sha256Hex } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import type { EffectHandler } from '@omega/effects';
import { FilesystemGovernanceProvider } from '@omega/governance/filesystem';
import { FilesystemProvenanceProvider } from '@omega/provenance/filesystem';
import { FilesystemReceiptProvider } from '@omega/receipt/filesystem';
import { createRuntime, JOURNAL, type StepFunction } from '@omega/runtime';
import { FilesystemSecurityProvider } from '@omega/security/filesystem';
import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { StreamingTraceProvider } from '@omega/trace/filesystem';
import { compare } from './measure.js';
import type { Row } from './report.js';

// One sample is a run of STEPS steps (a fresh run id each time), so the run's start is spread over them.
const STEPS = 40;
const SAMPLES = 5;

interface Counter {
  [key: string]: number | boolean;
  n: number;
  halted: boolean;
}

const handler: EffectHandler = async (_context, n) => ({
  ok: true,
  value: (n as number) + 1,
  usage: { inputTokens: 6, outputTokens: 4 },
});

const policy = [
  { id: 'all', effect: 'allow' as const, principals: ['*'], actions: ['effect'], resources: ['**'] },
];

/**
 * The runtime's cost per step against the sum of the raw provider calls doing the same work, both durable
 * on disk. Without effects a step is a session compare-and-swap save and a trace event; with one effect it
 * is also the effect's whole middleware: the policy decision (audited), the budget reserved and settled
 * (tokens and cost), the receipt, the span, the provenance evidence and the journal record. The baseline
 * makes those calls itself, one after the other, over providers of the same kind.
 */
export async function runtimeOperations(root: string): Promise<Row[]> {
  const runtime = await createRuntime({ root: path.join(root, 'runtime'), policy });
  runtime.effects.register('bench.add', handler, { costEstimate: { inputTokens: 6, outputTokens: 4 } });
  const raw = path.join(root, 'raw');
  const session = new FilesystemSessionProvider({ root: raw });
  const trace = new StreamingTraceProvider({ root: raw });
  const receipt = new FilesystemReceiptProvider({ root: raw });
  const security = new FilesystemSecurityProvider({ root: raw, policy: { rules: policy } });
  const governance = new FilesystemGovernanceProvider({ root: raw });
  const provenance = new FilesystemProvenanceProvider({ root: raw });
  const journalStore = new FilesystemStore({ root: raw });
  const journal = journalStore.documents(JOURNAL);
  const rows: Row[] = [];
  let runs = 0;
  try {
    const plain: StepFunction<Counter> = async (state) => ({ n: state.n + 1, halted: state.n + 1 === STEPS });
    const effectful: StepFunction<Counter> = async (state, ctx) => {
      const result = await ctx.effect('bench.add', state.n);
      const n = result.ok ? (result.value as number) : state.n + 1;
      return { n, halted: n === STEPS };
    };
    const run = (step: StepFunction<Counter>) => async () => {
      const result = await runtime.run(`bench-${runs++}`, step, { initial: { n: 0, halted: false } });
      if (result.stoppedBy !== 'halted') throw new Error(`bench run stopped by ${result.stoppedBy}`);
    };

    const rawSteps = (withEffect: boolean) => async () => {
      const name = `raw-${runs++}`;
      for (let step = 0; step < STEPS; step++) {
        if (withEffect) {
          const key = `${name}:${step}:0`;
          const started = Date.now();
          await security.authorize({ principal: `run:${name}`, action: 'effect', resource: 'bench.add' });
          const tokens = governance.reserve('tokens', 10);
          const cost = governance.reserve('cost', 0);
          const value = await handler(
            { runId: name, step, op: 'bench.add', signal: new AbortController().signal },
            step,
          );
          tokens?.commit(10, { key });
          cost?.commit(0, { key });
          const stored = await receipt.append({
            runId: name,
            kind: 'effect',
            request: { op: 'bench.add', args: [step] },
            response: value,
            usage: { inputTokens: 6, outputTokens: 4 },
            startedAt: started,
            finishedAt: Date.now(),
            idempotencyKey: key,
            meta: { step, op: 'bench.add' },
          });
          trace.record({ runId: name, step, kind: 'span.start', name: 'effect bench.add' });
          trace.record({
            runId: name,
            step,
            kind: 'span.end',
            name: 'effect bench.add',
            data: { receipt: stored.hash },
          });
          await provenance.record({
            subject: 'effect bench.add',
            kind: 'observation',
            source: { receipt: stored.hash },
            generatedBy: { runId: name, step, receipt: stored.hash },
            meta: { key },
          });
          await journal.write(
            `e-${sha256Hex(key)}`,
            { key },
            encode({ result: value, receipt: stored.hash }),
          );
        }
        const state = {
          ...emptyState(),
          control: { n: step + 1, halted: step + 1 === STEPS },
          step: step + 1,
        };
        await session.save(name, { state, meta: { runtime: 'run' } }, { expectedVersion: step });
        trace.record({ runId: name, kind: 'step', step });
      }
    };

    for (const [bench, withEffect] of [
      ['runtime step (session CAS save + trace) vs the raw provider calls', false],
      [
        'runtime step with one effect (+ policy, budget, receipt, span, provenance, journal) vs the raw calls',
        true,
      ],
    ] as const) {
      const measured = await compare(run(withEffect ? effectful : plain), rawSteps(withEffect), SAMPLES, 1);
      rows.push({
        bench,
        size: `${STEPS} steps`,
        candidateMs: measured.candidateMs / STEPS,
        baselineMs: measured.baselineMs / STEPS,
        sense: 'time',
      });
    }
  } finally {
    await runtime.close();
    for (const provider of [session, trace, receipt, security, governance, provenance])
      await provider.close();
    await journal.close();
    await journalStore.close();
  }
  return rows;
}
