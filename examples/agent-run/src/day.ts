import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { canonicalize, openCheckpoint, type Val, verifierFromKey, verifyInclusion } from '@omega/core';
import { verifyQuote } from '@omega/provenance';
import { RUNTIME_ERROR_CODES, type Runtime } from '@omega/runtime';
import { writeOtlpJsonl } from '@omega/trace/filesystem';
import { type AgentState, agentStep, initialState } from './agent.js';
import { endDay, today } from './calendar.js';
import { CORPUS, QUESTIONS } from './corpus.js';
import { type Crash, crashWorker } from './crash.js';
import { DAILY_TOKENS, openAgentRuntime, runtimeOptions, SNAPSHOT_EVERY } from './setup.js';
import type { HandlerCalls } from './tools.js';

/** Options of {@link runDay}. */
export interface DayOptions {
  /** The store: `.omega/` of the repository under `pnpm example`. */
  root: string;
  /** On a run's first day, kill its worker with SIGKILL in this step (default 4); null: no crash. */
  crashAt?: number | null;
}

/** Everything a day's summary reports; deterministic, so two stores run alike report alike. */
export interface DayReport {
  day: number;
  runId: string;
  fresh: boolean;
  crash: (Crash & { replayed: number; receiptsOfStep: number }) | null;
  resumedAt: number;
  stoppedBy: string;
  steps: number;
  answers: { question: string; text: string }[];
  questionsLeft: number;
  stream: { id: string; chunks: number; text: string };
  budget: {
    ledger: string;
    limit: number;
    consumed: number;
    reserved: number;
    costUsd: number;
    refusals: number;
  };
  handlerCalls: Record<string, number>;
  refused: string[];
  receipts: {
    size: number;
    ok: boolean;
    proved: number;
    treeSize: number;
    proofHashes: number;
    included: boolean;
  };
  audit: { size: number; ok: boolean };
  trace: { events: number; spans: number; file: string };
  artifact: { hits: number; misses: number; entries: number };
  logic: { q: string; doc: string }[];
  lineage: { answer: string; chain: string[]; quoteOk: boolean } | null;
  experts: string[];
  snapshots: string[];
  checkpoint: string;
}

const stepOf = (snapshot: string) => Number(snapshot.slice(snapshot.lastIndexOf('.') + 1));

/** Reads `stream` to its end, following it as other processes (the worker, then this one) append. */
async function follow(runtime: Runtime, stream: string): Promise<string[]> {
  const chunks: string[] = [];
  for await (const { chunk } of runtime.stream.read(stream, { follow: true })) chunks.push(String(chunk));
  return chunks;
}

/** Checks the whole receipt log, then proves the run's last receipt is in the tree the signed checkpoint commits to. */
async function checkReceipts(runtime: Runtime, runId: string): Promise<DayReport['receipts']> {
  const verified = await runtime.receipt.verify();
  const last = (await runtime.receipt.list({ runId })).at(-1);
  if (last === undefined) {
    return { size: verified.size, ok: verified.ok, proved: -1, treeSize: 0, proofHashes: 0, included: false };
  }
  const proof = await runtime.receipt.proveInclusion(last.seq);
  // The root comes from the signed checkpoint, checked with the log's verifier key, not from the store.
  const { rootHash } = openCheckpoint(proof.checkpoint, verifierFromKey(await runtime.receipt.verifierKey()));
  const { hash: _hash, ...unhashed } = last;
  const entry = Buffer.from(canonicalize(unhashed as unknown as Val));
  return {
    size: verified.size,
    ok: verified.ok,
    proved: last.seq,
    treeSize: proof.treeSize,
    proofHashes: proof.path.length,
    included: verifyInclusion(entry, last.seq, proof.treeSize, proof.path, rootHash),
  };
}

/** Exports the run's trace as OTLP JSON into the store's `exports/` folder. */
async function exportTrace(runtime: Runtime, root: string, runId: string): Promise<DayReport['trace']> {
  const events = [];
  for await (const event of runtime.trace.query({ runId })) events.push(event);
  const file = path.join(root, 'exports', `${runId}.otlp.jsonl`);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeOtlpJsonl(file, events);
  const spans = new Set(events.flatMap((event) => (event.spanId === undefined ? [] : [event.spanId])));
  return { events: events.length, spans: spans.size, file };
}

/** The lineage of the day's last answer: its evidence and every ancestor, nearest first. */
async function lineageOf(runtime: Runtime, state: AgentState): Promise<DayReport['lineage']> {
  const answer = state.answers.at(-1);
  if (answer === undefined) return null;
  const ancestors = await runtime.provenance.lineage(answer.evidence);
  const quote = ancestors.find((each) => each.kind === 'quote');
  const doc = CORPUS.find((each) => `doc ${each.id}` === ancestors.find((a) => a.kind === 'source')?.subject);
  const chain = ancestors.map((each) =>
    each.kind === 'quote'
      ? `quote ${each.source?.range?.join('..')} "${each.source?.quote}"`
      : each.kind === 'observation'
        ? `${each.subject.replace('effect ', '')} call${each.source?.receipt === undefined ? '' : ' (with its receipt)'}`
        : `${each.kind} ${each.subject}`,
  );
  return {
    answer: answer.question,
    chain,
    quoteOk: quote !== undefined && doc !== undefined && verifyQuote(quote, doc.text).ok,
  };
}

function handlerCalls(calls: HandlerCalls): Record<string, number> {
  return Object.fromEntries(
    ['model.complete', 'docs.search', 'shell.exec'].map((op) => [op, calls.count(op)]),
  );
}

/**
 * One working day of the agent (one `pnpm example`): opens the day's runtime and budget, follows the
 * day's output stream, on a run's first day runs it in a worker killed with SIGKILL mid-step, resumes the
 * run here until it halts or the budget runs out, then checks and exports what the families recorded.
 */
export async function runDay(options: DayOptions): Promise<DayReport> {
  const root = path.resolve(options.root);
  const { day, runId, fresh } = await today(root);
  const { runtime, calls, sources } = await openAgentRuntime(runtimeOptions(root, day));
  try {
    const stream = `${runId}.day-${day}`;
    if ((await runtime.stream.info(stream)) === null)
      await runtime.stream.create(stream, { run: runId, day });
    const reader = follow(runtime, stream);
    // Should the day fail before the stream ends, closing the runtime stops the reader too: the day's
    // error is the one to report, not the reader's. A day that ends awaits the reader itself.
    reader.catch(() => undefined);

    const dayStart = (await runtime.session.load(runId))?.state.step ?? 0;
    const crashAt = options.crashAt === undefined ? 4 : options.crashAt;
    const crash = fresh && crashAt !== null ? await crashWorker({ root, day, runId, stream, crashAt }) : null;

    const resumedAt = (await runtime.session.load(runId))?.state.step ?? 0;
    const dispatched = new Map<number, number>();
    const result = await runtime.run(runId, agentStep({ runtime, stream, dispatched }, sources), {
      initial: initialState(stream),
      snapshotEvery: SNAPSHOT_EVERY,
    });
    if (result.stoppedBy === 'error') throw result.error;
    await endDay(runtime, day, runId, result);
    await runtime.stream.end(stream);
    const chunks = await reader;
    const checkpoint = await runtime.checkpoint(runId, `end of day ${day}`);

    const budget = runtime.governance.report();
    const state = result.state;
    const refused = state.refused.filter((each) => each.step >= dayStart);
    const crashed =
      crash === null
        ? null
        : {
            ...crash,
            // Effects of the resumed step that came back from the journal: dispatched, handler not called.
            replayed: crash.step === null ? 0 : (dispatched.get(crash.step) ?? 0) - calls.atStep(crash.step),
            receiptsOfStep: (await runtime.receipt.list({ runId })).filter(
              (each) => crash.step !== null && each.meta?.step === crash.step,
            ).length,
          };
    const stats = runtime.artifact.stats();
    return {
      day,
      runId,
      fresh,
      crash: crashed,
      resumedAt,
      stoppedBy: result.stoppedBy,
      steps: result.steps,
      answers: state.answers.map(({ question, text }) => ({ question, text })),
      questionsLeft: QUESTIONS.length - state.answers.length,
      stream: { id: stream, chunks: chunks.length, text: chunks.join('') },
      budget: {
        ledger: `day-${day}`,
        limit: budget.limits.tokens ?? DAILY_TOKENS,
        consumed: budget.consumed.tokens,
        reserved: budget.reserved.tokens,
        costUsd: budget.consumed.cost,
        refusals: refused.filter((each) => each.code === RUNTIME_ERROR_CODES.BUDGET_EXCEEDED).length,
      },
      handlerCalls: handlerCalls(calls),
      refused: [...new Set(refused.map(({ op, code }) => `${op}: ${code}`))],
      receipts: await checkReceipts(runtime, runId),
      audit: await runtime.security.verifyAudit(),
      trace: await exportTrace(runtime, root, runId),
      artifact: { hits: stats.hitCount, misses: stats.missCount, entries: stats.count },
      logic: runtime.logic
        .query('(about-planet ?q ?doc)')
        .map((binding) => ({ q: String(binding.q), doc: String(binding.doc) }))
        .sort((a, b) => (a.q < b.q ? -1 : a.q > b.q ? 1 : 0)),
      lineage: await lineageOf(runtime, state),
      experts: runtime.expert.list().map((expert) => expert.name),
      snapshots: (await runtime.snapshot.list())
        .map((info) => info.name)
        .filter((name) => name.startsWith(`${runId}.`))
        .sort((a, b) => stepOf(a) - stepOf(b)),
      checkpoint: checkpoint.name,
    };
  } finally {
    await runtime.close();
  }
}
