// One timer for every dispatch under way with a deadline, armed for the earliest. A timer per dispatch
// costs a setTimeout and a clearTimeout each (and a timer list per distinct duration); this one is only
// re-armed when a dispatch brings an earlier deadline, and is unref'd, not cleared, while nothing waits,
// so a runtime whose dispatches share a deadline (a step's) pays two counter updates per dispatch, and a
// process with nothing under way is not held alive by it.

// setTimeout fires at once past this delay (a signed 32-bit count of ms): longer waits are re-armed.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** What waits for a deadline: its time, and what to do when it passes. */
export interface DeadlineWaiter {
  readonly deadline: number;
  expire(): void;
}

const waiters = new Set<DeadlineWaiter>();
let timer: ReturnType<typeof setTimeout> | undefined;
let armedFor = Number.POSITIVE_INFINITY;

/** Calls `waiter.expire()` once its deadline has passed, unless {@link unwatch}ed first. */
export function watch(waiter: DeadlineWaiter): void {
  waiters.add(waiter);
  if (waiter.deadline < armedFor) arm(waiter.deadline);
  else timer?.ref();
}

/** Stops waiting for `waiter`'s deadline. */
export function unwatch(waiter: DeadlineWaiter): void {
  if (waiters.delete(waiter) && waiters.size === 0) timer?.unref();
}

function arm(deadline: number): void {
  clearTimeout(timer);
  armedFor = deadline;
  timer = setTimeout(fire, Math.min(Math.max(deadline - Date.now(), 1), LONGEST_TIMER_MS));
}

function fire(): void {
  timer = undefined;
  armedFor = Number.POSITIVE_INFINITY;
  const now = Date.now();
  let next = Number.POSITIVE_INFINITY;
  // A waiter expiring unwatches itself: deleting the entry being visited is safe in a Set.
  for (const waiter of waiters) {
    if (waiter.deadline <= now) waiter.expire();
    else if (waiter.deadline < next) next = waiter.deadline;
  }
  if (next !== Number.POSITIVE_INFINITY) arm(next);
}
