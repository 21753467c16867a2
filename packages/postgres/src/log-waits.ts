import { isOmegaError } from '@omega/core';
import type { Notifications } from './notifications.js';

/** How often a wait reads the size when no hint came: the safety net for lost notifications. */
export const POLL_MS = 1_500;

// setTimeout fires at once for delays past 2^31 - 1 ms (24.8 days); longer timeouts are served in steps.
const LONGEST_TIMER = 2 ** 31 - 1;

/** Whether `error` is a statement's failure because its connection was lost (worth reading again). */
export function isConnectionLoss(error: unknown): boolean {
  return isOmegaError(error, 'STORAGE_FAILURE') && error.details.outcome === 'unknown';
}

interface Pending {
  fail(error: unknown): void;
}

/**
 * The waits of one log port: each listens for hints on its log, re-reads the size on every hint and every
 * {@link POLL_MS}, and resolves once the size exceeds the one it waits past.
 */
export class LogWaits {
  readonly #notifications: Notifications;
  readonly #folder: string;
  readonly #readSize: (log: string) => Promise<number>;
  readonly #pending = new Set<Pending>();

  constructor(notifications: Notifications, folder: string, readSize: (log: string) => Promise<number>) {
    this.#notifications = notifications;
    this.#folder = folder;
    this.#readSize = readSize;
  }

  /** The channel appends notify. */
  get channel(): string {
    return this.#notifications.channel;
  }

  /** Resolves to the size of `log` once it exceeds `size`, or to the size then on `timeoutMs`. */
  wait(
    log: string,
    size: number,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let settled = false;
      let reading = false;
      let again = false;
      let stop: (() => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      const poll = setInterval(() => check(), POLL_MS);
      const release = () => {
        settled = true;
        this.#pending.delete(pending);
        clearInterval(poll);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        stop?.();
      };
      const pending: Pending = {
        fail(error) {
          if (settled) return;
          release();
          reject(error);
        },
      };
      const done = (now: number) => {
        if (settled) return;
        release();
        resolve(now);
      };
      // One read at a time; a hint during a read asks for one more after it.
      const check = (): void => {
        if (settled) return;
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        this.#readSize(log).then(
          (now) => {
            reading = false;
            if (now > size) done(now);
            else if (again) {
              again = false;
              check();
            }
          },
          (error: unknown) => {
            reading = false;
            // A lost connection is retried by the next hint or poll; anything else ends the wait.
            if (!isConnectionLoss(error)) pending.fail(error);
          },
        );
      };
      const aborted = () => pending.fail(signal!.reason);
      const arm = (remaining: number) => {
        const step = Math.min(remaining, LONGEST_TIMER);
        timer = setTimeout(() => {
          if (remaining > step) {
            arm(remaining - step);
            return;
          }
          this.#readSize(log).then(done, (error: unknown) => pending.fail(error));
        }, step);
      };
      this.#pending.add(pending);
      signal?.addEventListener('abort', aborted, { once: true });
      if (timeoutMs !== undefined) arm(timeoutMs);
      this.#notifications.listen(this.#folder, log, check).then(
        (unlisten) => {
          if (settled) unlisten();
          else {
            stop = unlisten;
            check();
          }
        },
        (error: unknown) => pending.fail(error),
      );
    });
  }

  /** Rejects every pending wait with `error`. */
  close(error: Error): void {
    for (const pending of [...this.#pending]) pending.fail(error);
  }
}
