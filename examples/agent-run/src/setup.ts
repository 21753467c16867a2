import { fileURLToPath } from 'node:url';
import { PROFILES, type Profile } from '@omega/governance';
import { createRuntime, EFFECT_GRANT, type Runtime, type RuntimeOptions } from '@omega/runtime';
import { addRules, recordSources } from './agent.js';
import { PRICES } from './model.js';
import { HandlerCalls, registerTools } from './tools.js';

/** The Markdown expert files the runtime loads (`researcher.md`, `writer.md`, `critic.md`). */
export const EXPERTS_DIR = fileURLToPath(new URL('../experts', import.meta.url));

/** Tokens the agent may spend a day: enough for about two and a half questions. */
export const DAILY_TOKENS = 700;

/** Steps between the run's automatic snapshots. */
export const SNAPSHOT_EVERY = 4;

/**
 * The governance profile: `pragmatic` with every effect granted but `shell.exec` (the fake model asks for
 * it; the capability check refuses it, audited, before the policy, the budget or the handler).
 */
export const PROFILE: Profile = {
  ...PROFILES.pragmatic,
  name: 'agent-example',
  caps: [...PROFILES.pragmatic.caps, EFFECT_GRANT, '!effect:shell.exec'],
};

/** The runtime of one day: the filesystem store at `root`, the day's budget ledger, the example's experts. */
export function runtimeOptions(root: string, day: number): RuntimeOptions {
  return {
    root,
    ledger: `day-${day}`,
    profile: PROFILE,
    budget: { tokens: DAILY_TOKENS },
    prices: PRICES,
    experts: EXPERTS_DIR,
  };
}

/** A runtime with the agent's tools registered, the corpus recorded as evidence and the rules added. */
export interface AgentRuntime {
  runtime: Runtime;
  calls: HandlerCalls;
  /** Evidence id of each document. */
  sources: Map<string, string>;
}

/**
 * Opens a runtime (the day's: {@link runtimeOptions}) and readies what the agent uses, each part
 * idempotent, since every day does it again over the same store.
 */
export async function openAgentRuntime(options: RuntimeOptions): Promise<AgentRuntime> {
  const runtime = await createRuntime(options);
  try {
    const calls = new HandlerCalls();
    registerTools(runtime, calls);
    const sources = await recordSources(runtime);
    addRules(runtime);
    return { runtime, calls, sources };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
