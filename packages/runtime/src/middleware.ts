import { randomBytes } from 'node:crypto';
import { isOmegaError, sha256Hex, type Val } from '@omega/core';
import type {
  EffectContext,
  EffectHandlerRegistry,
  EffectMiddleware,
  EffectResult,
  EffectUsage,
} from '@omega/effects';
import type { BudgetType, GovernanceProvider, Reservation } from '@omega/governance';
import type { ProvenanceProvider } from '@omega/provenance';
import type { ReceiptProvider, Usage } from '@omega/receipt';
import type { SecurityProvider } from '@omega/security';
import type { TraceProvider } from '@omega/trace';
import type { EffectJournal } from './journal.js';
import { costOf, type ModelPrice, type PriceTable, tokensOf } from './prices.js';

/** The codes of the failure results the runtime's middleware returns instead of calling a handler. */
export const RUNTIME_ERROR_CODES = {
  /** The governance profile does not grant `effect:<op>`. */
  CAPABILITY_DENIED: 'CAPABILITY_DENIED',
  /** The security policy denies the effect (the decision is in the audit). */
  POLICY_DENIED: 'POLICY_DENIED',
  /** The budget cannot hold the op's estimate (or is spent, for an op without one). */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
} as const;
export type RuntimeErrorCode = keyof typeof RUNTIME_ERROR_CODES;

/** What the middleware wires together. */
export interface MiddlewareParts {
  effects: EffectHandlerRegistry;
  governance: GovernanceProvider;
  security: SecurityProvider;
  receipt: ReceiptProvider;
  trace: TraceProvider;
  provenance: ProvenanceProvider;
  journal: EffectJournal;
  prices: PriceTable;
}

/** The budget types an effect reserves and settles: what a model call reports. */
const SPENT: readonly BudgetType[] = ['tokens', 'cost'];

/** The principal of a run's requests to the access policy. */
export const principalOf = (runId: string) => `run:${runId}`;

/** The dispatch key the runtime passes in `context.meta.key` (`<runId>:<step>:<index>`), if any. */
export const keyOf = (context: EffectContext): string | undefined =>
  typeof context.meta?.key === 'string' ? context.meta.key : undefined;

/** The model of a call: its first argument's `model` field, when it names one. */
function modelOf(args: readonly Val[]): string | undefined {
  const first = args[0];
  if (typeof first !== 'object' || first === null || Array.isArray(first) || first instanceof Uint8Array) {
    return undefined;
  }
  const model = (first as Record<string, Val>).model;
  return typeof model === 'string' && model !== '' ? model : undefined;
}

/** The price of `name` (a model or an op) in `prices`; only the table's own entries count. */
const priceOf = (prices: PriceTable, name: string | undefined): ModelPrice | undefined =>
  name !== undefined && Object.hasOwn(prices, name) ? prices[name] : undefined;

/** A span id: derived from the dispatch key (so a repeated dispatch reuses it), else random. */
const spanIdOf = (key: string | undefined) =>
  key === undefined ? randomBytes(8).toString('hex') : sha256Hex(`span:${key}`).slice(0, 16);

/** The receipt family's usage (whole tokens) of an effect's usage. */
function receiptUsage(usage: EffectUsage | undefined): Usage | undefined {
  if (usage === undefined) return undefined;
  const out: Usage = {};
  if (usage.inputTokens !== undefined) out.inputTokens = Math.ceil(usage.inputTokens);
  if (usage.outputTokens !== undefined) out.outputTokens = Math.ceil(usage.outputTokens);
  if (usage.costUsd !== undefined) out.costUsd = usage.costUsd;
  return out;
}

type Refusal = EffectResult & { ok: false };

const refusal = (code: RuntimeErrorCode, message: string): Refusal => ({
  ok: false,
  error: { code, message, retryable: false },
});

/** The response receipt `hash` holds (an effect result the middleware stored); `fallback` once erased. */
async function firstResponse(
  receipt: ReceiptProvider,
  hash: string,
  fallback: EffectResult,
): Promise<EffectResult> {
  const body = await receipt.body(hash);
  if (body === null || !('response' in body)) return fallback;
  return body.response as EffectResult;
}

/**
 * The runtime's effect middleware. Around every dispatch, in this fixed order: the capability
 * `effect:<op>` (governance), the access policy (`security.authorize`, audited), a budget reservation
 * from the op's cost estimate priced by the model's entry of the price table, the handler, the settlement
 * of the reservation from the result's usage (keyed by the dispatch key, so a repeated call charges once),
 * the receipt of the call (request, response, usage, timing; keyed too), a trace span, and provenance
 * evidence of the result linked to its receipt. A refusal (capability, policy, budget) is audited, traced
 * and returned as a failure result, with no handler call, no charge and no receipt. With a dispatch key,
 * the result is then recorded in the effect journal, which is what makes a run's effects exactly-once.
 */
export function runtimeMiddleware(parts: MiddlewareParts): EffectMiddleware {
  const { governance, security, receipt, trace, provenance, journal, effects, prices } = parts;

  const span = (context: EffectContext, started: number, result: EffectResult, data: Record<string, Val>) => {
    const key = keyOf(context);
    const spanId = spanIdOf(key);
    const common = { runId: context.runId, step: context.step, name: `effect ${context.op}`, spanId };
    trace.record({ ...common, kind: 'span.start', at: started });
    trace.record({
      ...common,
      kind: 'span.end',
      at: Date.now(),
      level: result.ok ? 'info' : 'warn',
      data: {
        op: context.op,
        ok: result.ok,
        ...(key === undefined ? {} : { key }),
        ...(result.ok ? {} : { code: result.error.code }),
        ...data,
      },
    });
  };

  const refuse = async (
    context: EffectContext,
    started: number,
    result: Refusal,
    audit: boolean,
  ): Promise<EffectResult> => {
    const key = keyOf(context);
    if (audit) {
      await security.audit({
        principal: principalOf(context.runId),
        action: 'effect',
        resource: context.op,
        outcome: result.error.code,
        data: { step: context.step, message: result.error.message, ...(key === undefined ? {} : { key }) },
      });
    }
    span(context, started, result, { refused: true });
    if (key !== undefined) await journal.put(key, result, null);
    return result;
  };

  /** Reserves the estimate of each spent type; null (all released) when one does not fit. */
  const reserve = (amounts: Record<string, number>): Map<BudgetType, Reservation> | null => {
    const held = new Map<BudgetType, Reservation>();
    for (const type of SPENT) {
      const amount = amounts[type] ?? 0;
      // An op with no estimate still needs budget left: a spent budget refuses every call.
      const reservation =
        amount === 0 && governance.remaining(type) === 0 ? null : governance.reserve(type, amount);
      if (reservation === null) {
        for (const other of held.values()) other.release('budget exceeded');
        return null;
      }
      held.set(type, reservation);
    }
    return held;
  };

  return async (context, args, next) => {
    const started = Date.now();
    const { op, runId, step } = context;
    const key = keyOf(context);

    if (!governance.checkCap(`effect:${op}`)) {
      const message = `the profile "${governance.getProfile().name}" does not grant effect:${op}`;
      return refuse(context, started, refusal('CAPABILITY_DENIED', message), true);
    }
    try {
      await security.authorize({
        principal: principalOf(runId),
        action: 'effect',
        resource: op,
        context: { step, ...(key === undefined ? {} : { key }) },
      });
    } catch (error) {
      if (!isOmegaError(error, 'CAPABILITY_DENIED')) throw error;
      // authorize() has audited the denial already.
      const message = `the access policy denies effect ${op}: ${error.message}`;
      return refuse(context, started, refusal('POLICY_DENIED', message), false);
    }

    const model = modelOf(args);
    const price = priceOf(prices, model) ?? priceOf(prices, op);
    const estimate = effects.describe(op)?.costEstimate ?? {};
    const held = reserve({ tokens: tokensOf(estimate), cost: costOf(estimate, price) });
    if (held === null) {
      const message = `the budget cannot hold effect ${op} (estimate ${tokensOf(estimate)} tokens, $${costOf(estimate, price)})`;
      return refuse(context, started, refusal('BUDGET_EXCEEDED', message), true);
    }

    let result: EffectResult;
    try {
      result = await next();
    } catch (error) {
      for (const reservation of held.values()) reservation.release('the dispatch failed');
      throw error;
    }
    const finished = Date.now();

    const usage = result.ok ? result.usage : undefined;
    const actual = {
      tokens: usage === undefined ? 0 : tokensOf(usage),
      cost: usage === undefined ? 0 : costOf(usage, price),
    };
    const settled: Record<string, Val> = {};
    for (const [type, reservation] of held) {
      const settlement = reservation.commit(
        actual[type as 'tokens' | 'cost'],
        key === undefined ? {} : { key },
      );
      settled[type] = settlement.consumed;
    }

    const spent = receiptUsage(usage);
    const stored = await receipt.append({
      runId,
      kind: 'effect',
      request: { op, args: [...args] },
      response: result,
      ...(model === undefined ? {} : { model }),
      ...(spent === undefined ? {} : { usage: spent }),
      startedAt: started,
      finishedAt: finished,
      ...(key === undefined ? {} : { idempotencyKey: key }),
      meta: { step, op },
    });
    // A receipt that started at another time was appended under this key before a crash: the handler ran
    // again, and the step gets the first call's response, the one the receipt holds, so journal and
    // receipt never disagree.
    if (key !== undefined && stored.startedAt !== started)
      result = await firstResponse(receipt, stored.hash, result);

    span(context, started, result, { receipt: stored.hash, consumed: settled });

    if (result.ok) {
      await provenance.record({
        subject: `effect ${op}`,
        kind: 'observation',
        source: { receipt: stored.hash },
        generatedBy: { runId, step, receipt: stored.hash },
        agent: model ?? op,
        ...(key === undefined ? {} : { meta: { key } }),
      });
    }
    if (key !== undefined) await journal.put(key, result, stored.hash);
    return result;
  };
}
