import type { State } from '@omega/core';
import { openFamily, type RunResult, type Runtime } from '@omega/runtime';
import type { AgentState } from './agent.js';

/** Which day it is for the agent, and which run it works on. */
export interface Today {
  day: number;
  runId: string;
  /** The run has no session yet: today starts it. */
  fresh: boolean;
}

const DAY = /^day-(\d+)$/;

/**
 * Today, from the end-of-day states the state family keeps (`day-1`, `day-2`, ...): the day after the
 * last one, on the last day's run, or on a new run when that one halted. A day that did not end (the
 * process stopped before its end-of-day state) is done again.
 */
export async function today(root: string): Promise<Today> {
  const states = openFamily('state', { root });
  try {
    const days = (await states.listStates())
      .map((id) => Number(DAY.exec(id)?.[1] ?? Number.NaN))
      .filter((day) => Number.isInteger(day))
      .sort((a, b) => a - b);
    const last = days.at(-1);
    if (last === undefined) return { day: 1, runId: 'agent-1', fresh: true };
    const ended = await states.loadState(`day-${last}`);
    const runId = typeof ended?.env.run === 'string' ? ended.env.run : 'agent-1';
    if (ended?.status !== 'halted') return { day: last + 1, runId, fresh: false };
    const runs = Number(/^agent-(\d+)$/.exec(runId)?.[1] ?? 0);
    return { day: last + 1, runId: `agent-${runs + 1}`, fresh: true };
  } finally {
    await states.close();
  }
}

/** Saves the end of `day`: the agent's state and how the run stopped, as the machine state `day-<n>`. */
export async function endDay(runtime: Runtime, day: number, runId: string, result: RunResult<AgentState>) {
  const state: State = {
    ...runtime.state.createState(),
    control: result.state as unknown as State['control'],
    env: { run: runId, stoppedBy: result.stoppedBy },
    step: result.steps,
    status: result.stoppedBy === 'halted' ? 'halted' : 'running',
  };
  await runtime.state.saveState(`day-${day}`, state);
}
