import type { LogBackend } from '@omega/core';

/** `log` with its reads counted in `reads[key]`. */
export function counting<H>(log: LogBackend<H>, reads: Record<string, number>, key: string): LogBackend<H> {
  return {
    prevalidated: log.prevalidated,
    append: (...args) => log.append(...args),
    read: (...args) => {
      reads[key] = (reads[key] ?? 0) + 1;
      return log.read(...args);
    },
    size: (name) => log.size(name),
    last: (name) => log.last(name),
    logs: (options) => log.logs(options),
    drop: (name) => log.drop(name),
    wait: (...args) => log.wait(...args),
    close: () => log.close(),
  };
}
