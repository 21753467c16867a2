import { QUESTIONS } from './corpus.js';
import type { DayReport } from './day.js';
import { MODEL_ESTIMATE } from './model.js';
import { EXPERTS_DIR, SNAPSHOT_EVERY } from './setup.js';

const plural = (count: number, word: string) =>
  `${count} ${word}${count === 1 ? '' : /(s|sh|ch)$/.test(word) ? 'es' : 's'}`;

/**
 * The day's summary, as printed: what happened, what each family holds now, and the `omega` commands that
 * show it. `shown` turns a path into what to print (relative to where `pnpm example` was started).
 */
export function formatDay(report: DayReport, shown: (file: string) => string): string[] {
  const { budget, receipts, trace, artifact, crash } = report;
  const estimate = MODEL_ESTIMATE.inputTokens + MODEL_ESTIMATE.outputTokens;
  const lines = [
    `day ${report.day}: run ${report.runId}${report.fresh ? ' (new)' : ` resumed at step ${report.resumedAt}`}, budget ledger ${budget.ledger} (${budget.limit} tokens a day)`,
  ];
  if (crash !== null && crash.step === null) {
    lines.push(`  crash: none, the worker (pid ${crash.pid}) stopped before the step to crash in`);
  } else if (crash !== null) {
    lines.push(
      `  crash: worker pid ${crash.pid} killed with SIGKILL in step ${crash.step}, after its first effect returned`,
      `  resume: step ${crash.step} again from the saved session; ${plural(crash.replayed, 'effect')} came back from the journal (handler not called, not charged), ${plural(crash.receiptsOfStep, 'receipt')} for the step`,
    );
  }
  lines.push(
    report.stoppedBy === 'halted'
      ? `  halted after ${plural(report.steps, 'step')}: all ${QUESTIONS.length} questions answered`
      : `  stopped by ${report.stoppedBy} after ${plural(report.steps, 'step')}: ${report.answers.length} of ${QUESTIONS.length} questions answered, ${report.questionsLeft} left for tomorrow`,
    '',
    `answers (stream ${report.stream.id}, followed by a reader: ${plural(report.stream.chunks, 'chunk')})`,
    ...report.stream.text
      .trimEnd()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => `  ${line}`),
    '',
    'families',
    `  governance  ${budget.consumed} of ${budget.limit} tokens spent, ${budget.reserved} reserved, $${budget.costUsd.toFixed(6)}; each model call reserves its estimate (${estimate} tokens) first: ${budget.refusals === 0 ? 'none refused today' : `${plural(budget.refusals, 'call')} refused, nothing spent`}`,
    `  effects     handler calls: ${Object.entries(report.handlerCalls)
      .map(([op, count]) => `${op} ${count}`)
      .join(', ')}; refused: ${report.refused.length === 0 ? 'none' : report.refused.join(', ')}`,
    `  receipts    ${receipts.size} in the log, ${receipts.ok ? 'verified' : 'FAILED verification'}; #${receipts.proved} proved in the signed tree of ${receipts.treeSize} (${plural(receipts.proofHashes, 'hash')}): ${receipts.included ? 'included' : 'NOT included'}`,
    `  security    ${plural(report.audit.size, 'decision')} in the audit, ${report.audit.ok ? 'verified' : 'FAILED verification'}`,
    `  trace       the run's ${plural(trace.events, 'event')}, ${plural(trace.spans, 'span')} exported as OTLP JSON to ${shown(trace.file)}`,
    `  artifact    search index: ${plural(artifact.hits, 'hit')}, ${plural(artifact.misses, 'miss')} in this process (${artifact.misses === 0 ? 'served from the cache on disk, not rebuilt' : 'built, then served from the cache'})`,
    `  logic       (about-planet ?q ?doc): ${report.logic.map(({ q, doc }) => `${q} ${doc}`).join(', ') || 'none yet'}`,
    report.lineage === null
      ? '  provenance  no answer yet'
      : `  provenance  ${report.lineage.answer}'s answer <- ${report.lineage.chain.join(' <- ')}; quote ${report.lineage.quoteOk ? 'still matches its source' : 'DRIFTED'}`,
    `  expert      ${report.experts.join(', ')} (from ${shown(EXPERTS_DIR)})`,
    `  snapshot    ${report.snapshots.join(', ')} (every ${SNAPSHOT_EVERY} steps; ${report.checkpoint} is the end-of-day checkpoint)`,
    `  session     ${report.runId} at step ${report.steps}; state: day-${report.day} (the end-of-day state)`,
    `  stream      ${report.stream.id}: ended, ${plural(report.stream.chunks, 'chunk')}`,
  );
  return lines;
}

/** The `omega` commands that inspect what the example left in the store. */
export function inspectCommands(report: DayReport, root: string, shown: (file: string) => string): string[] {
  // `pnpm omega` reads `.omega` of where it is started unless told otherwise.
  const flag = shown(root) === '.omega' ? '' : ` --root ${shown(root)}`;
  return [
    `pnpm omega sessions show ${report.runId}${flag}`,
    `pnpm omega budget report --budget ${report.budget.ledger}${flag}`,
    `pnpm omega receipts verify${flag}`,
    `pnpm omega receipts prove ${report.receipts.proved}${flag}`,
    `pnpm omega traces tail --run ${report.runId}${flag}`,
    `pnpm omega streams cat ${report.stream.id}${flag}`,
    `pnpm omega logic query '(about-planet ?q ?doc)'${flag}`,
    `pnpm omega audit ls --limit 5${flag}`,
    `pnpm omega experts ls --dir ${shown(EXPERTS_DIR)}`,
    `pnpm omega doctor${flag}`,
  ];
}
