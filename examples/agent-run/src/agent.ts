import type { State, Val } from '@omega/core';

/** The toy task list the example agent works through, one task per machine step. */
export const TASKS = [
  'read the brief',
  'outline the answer',
  'draft section one',
  'draft section two',
  'review',
];

/**
 * The task list a run gives a session: the first one is {@link TASKS}; a session that halted gets the next
 * one, numbered, so every run adds steps and answers instead of redoing the old ones.
 */
export function taskList(round: number): string[] {
  return round === 1 ? [...TASKS] : TASKS.map((task) => `${task} (list ${round})`);
}

/** Which task list a state is on: one list per {@link TASKS}.length steps. */
export function roundOf(state: State): number {
  return Math.floor(Math.max(state.step - 1, 0) / TASKS.length) + 1;
}

/** A deterministic stand-in for a model call, so every run prints the same transcript. */
function fakeModel(task: string, step: number): { text: string; tokens: number } {
  return { text: `done: ${task}`, tokens: 40 + ((step * 17) % 23) };
}

/** Advances the machine by one step: pops a task from the continuation, "calls the model", stores the answer. */
export function step(state: State): State {
  const [next, ...rest] = state.kont;
  if (typeof next !== 'string') return { ...state, control: null, status: 'halted' };
  const reply = fakeModel(next, state.step);
  const address = `r${state.step}`;
  const answer: Val = { task: next, ...reply, at: new Date(Date.UTC(2026, 0, 1, 0, state.step)) };
  return {
    ...state,
    control: { op: 'call-model', task: next },
    env: { ...state.env, [`answer${state.step}`]: address },
    store: { ...state.store, [address]: answer },
    kont: rest,
    step: state.step + 1,
    status: rest.length === 0 ? 'halted' : 'running',
  };
}
