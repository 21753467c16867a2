import { InvalidArgumentError } from '@omega/core';
import { recordedCopy } from '@omega/core/testing';

/** A listener of {@link MockEventEmitter}. */
export type MockEventListener = (...args: unknown[]) => void;

/** One event a {@link MockEventEmitter} emitted. */
export interface EmittedEvent {
  event: string;
  /** Copies of the arguments as they were when emitted (`recordedCopy` of `@omega/core/testing`). */
  args: unknown[];
  /** How many listeners it was delivered to. */
  listeners: number;
}

interface Registration {
  listener: MockEventListener;
  once: boolean;
}

/**
 * An event emitter for testing a runtime that reports progress (effect started, finished, budget
 * alerts): it delivers events as Node's `EventEmitter` does (synchronously, in the order listeners were
 * added; a listener added or removed during an emit takes effect from the next one; a listener that
 * throws stops the emit and the error reaches the emitter's caller) and records every event in `emitted`,
 * whether or not anyone listened.
 */
export class MockEventEmitter {
  /** Every event emitted, in order, with copies of its arguments. */
  readonly emitted: EmittedEvent[] = [];
  readonly #listeners = new Map<string, Registration[]>();

  /** Adds `listener` for `event` (the same listener added twice is called twice). */
  on(event: string, listener: MockEventListener): this {
    return this.#add('on', event, listener, false);
  }

  /** Adds `listener` for the next `event` only. */
  once(event: string, listener: MockEventListener): this {
    return this.#add('once', event, listener, true);
  }

  /** Removes the most recently added registration of `listener` for `event`, if any. */
  off(event: string, listener: MockEventListener): this {
    const list = this.#listeners.get(event);
    if (list === undefined) return this;
    const index = list.findLastIndex((registration) => registration.listener === listener);
    if (index !== -1) this.#replace(event, list.toSpliced(index, 1));
    return this;
  }

  /** Records `event` with copies of `args`, then calls its listeners; returns whether it had any. */
  emit(event: string, ...args: unknown[]): boolean {
    checkEvent('emit', event);
    const list = this.#listeners.get(event) ?? [];
    this.emitted.push({ event, args: args.map(recordedCopy), listeners: list.length });
    if (list.some((registration) => registration.once)) {
      this.#replace(
        event,
        list.filter((registration) => !registration.once),
      );
    }
    for (const { listener } of list) listener(...args);
    return list.length > 0;
  }

  /** The listeners of `event`, in the order they are called. */
  listeners(event: string): MockEventListener[] {
    return (this.#listeners.get(event) ?? []).map(({ listener }) => listener);
  }

  /** How many listeners `event` has. */
  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** The events that have listeners, in the order they got their first. */
  eventNames(): string[] {
    return [...this.#listeners.keys()];
  }

  /** The events emitted under `event`, in order. */
  emittedOf(event: string): EmittedEvent[] {
    return this.emitted.filter((emitted) => emitted.event === event);
  }

  /** Without `event`, removes every listener; with it, those of `event`. Emitted events are kept. */
  removeAllListeners(event?: string): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /** Forgets the emitted events (listeners are kept). */
  reset(): void {
    this.emitted.length = 0;
  }

  #add(method: string, event: string, listener: MockEventListener, once: boolean): this {
    checkEvent(method, event);
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError(`MockEventEmitter.${method}: the listener is not a function`, {
        details: { provider: 'MockEventEmitter', method, event, path: 'listener' },
      });
    }
    this.#replace(event, [...(this.#listeners.get(event) ?? []), { listener, once }]);
    return this;
  }

  // Lists are replaced, never changed in place: an emit under way keeps the list it started with.
  #replace(event: string, list: Registration[]): void {
    if (list.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, list);
  }
}

function checkEvent(method: string, event: unknown): asserts event is string {
  if (typeof event === 'string') return;
  throw new InvalidArgumentError(`MockEventEmitter.${method}: the event name is not a string`, {
    details: { provider: 'MockEventEmitter', method, path: 'event' },
  });
}
