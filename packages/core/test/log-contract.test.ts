import * as vitest from 'vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isOmegaError } from '../src/errors.js';
import { MAX_APPEND_BYTES, MAX_LINE_BYTES } from '../src/fs/log-bounds.js';
import { checkAppend, type LogBackend, type LogEntryInput, sizeConflict } from '../src/log.js';
import { MemoryLogBackend, type MemoryLogs } from '../src/memory-log.js';
import {
  type ContractEntryHeader,
  describeLogBackend,
  LOG_CONTRACT_SPEC,
  type PortFixture,
  rejectionOf,
  thrownBy,
} from '../src/testing.js';
import { recorder } from './recorder.js';

type Header = ContractEntryHeader;
type Logs = MemoryLogs<Header>;

const entry = (at: number): LogEntryInput<Header> => ({ header: { at }, body: `"${at}"` });

/** A port over a fresh map, and `reopen` giving another port over the map of the port it is handed. */
function memoryPorts(make: (data: Logs) => MemoryLogBackend<Header>) {
  const maps = new WeakMap<object, Logs>();
  const open = async (): Promise<PortFixture<LogBackend<Header>>> => {
    const data: Logs = new Map();
    const port = make(data);
    maps.set(port, data);
    return { port };
  };
  const reopen = async (port: LogBackend<Header>) => {
    const data = maps.get(port);
    if (data === undefined) throw new Error('reopen of a port this test did not open');
    const again = make(data);
    maps.set(again, data);
    return again;
  };
  return { open, reopen };
}

const correct = memoryPorts((data) => new MemoryLogBackend(LOG_CONTRACT_SPEC, data));
describeLogBackend(vitest, 'MemoryLogBackend', correct.open, { reopen: correct.reopen });

describe('MemoryLogBackend', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('is prevalidated, and is constructed only from a valid spec', () => {
    expect(new MemoryLogBackend(LOG_CONTRACT_SPEC).prevalidated).toBe(true);
    for (const formatVersion of [0, 1.5, Number.NaN]) {
      thrownBy(() => new MemoryLogBackend({ ...LOG_CONTRACT_SPEC, formatVersion }), 'INVALID_ARGUMENT');
    }
    for (const folder of ['../up', '', '.hidden']) {
      thrownBy(() => new MemoryLogBackend({ ...LOG_CONTRACT_SPEC, folder }), 'INVALID_NAME');
    }
  });

  it('keeps the header object it was given, but not the entry object, and hands out fresh entries', async () => {
    const log = new MemoryLogBackend(LOG_CONTRACT_SPEC);
    const header = { at: 1 };
    const input = { header, body: '"one"' };
    await log.append('a', [input]);
    input.body = '"changed"';
    const [read] = await log.read('a');
    expect(read?.header).toBe(header);
    expect(read?.body).toBe('"one"');
    read!.position = 7;
    read!.body = 'mutated';
    expect(await log.last('a')).toStrictEqual({ position: 0, formatVersion: 2, header, body: '"one"' });
  });

  it('refuses an entry or an append over the filesystem bounds, measured as the line the filesystem writes', async () => {
    const log = new MemoryLogBackend(LOG_CONTRACT_SPEC);
    // A control character takes 6 bytes in JSON (\u0001): one string of 45 M units, shared by the entries,
    // measures 270 MB without allocating it.
    const units = Math.ceil(MAX_LINE_BYTES / 6);
    const over = '\u0001'.repeat(units);
    const error = await rejectionOf(
      () => log.append('big', [entry(0), { header: { at: 1 }, body: over }]),
      'INVALID_ARGUMENT',
    );
    expect(error.details).toMatchObject({ name: 'big', path: 'entries[1]', limit: MAX_LINE_BYTES });
    const under = over.slice(0, units - 64);
    const five = Array.from({ length: 5 }, (_, at) => ({ header: { at }, body: under }));
    expect(5 * under.length * 6).toBeGreaterThan(MAX_APPEND_BYTES);
    const total = await rejectionOf(() => log.append('big', five), 'INVALID_ARGUMENT');
    expect(total.details).toMatchObject({ option: 'entries', limit: MAX_APPEND_BYTES });
    expect(await log.size('big')).toBe(0);
    // Just under both bounds: taken.
    expect(await log.append('big', five.slice(0, 4))).toBe(0);
    thrownBy(() => log.sync.append('big', [{ header: { at: 9 }, body: over }]), 'INVALID_ARGUMENT');
  });

  it('keeps its logs in the map it is given: they survive a port closed, for another port over the map', async () => {
    const data: Logs = new Map();
    const first = new MemoryLogBackend(LOG_CONTRACT_SPEC, data);
    await first.append('kept', [entry(0), entry(1)]);
    await first.close();
    expect([...data.keys()]).toStrictEqual(['kept']);
    const second = new MemoryLogBackend(LOG_CONTRACT_SPEC, data);
    expect(await second.size('kept')).toBe(2);
    expect(await second.append('kept', [entry(2)], { expectedSize: 2 })).toBe(2);
  });

  it('close rejects the pending waits of that port with ClosedError, and only those', async () => {
    const data: Logs = new Map();
    const closing = new MemoryLogBackend(LOG_CONTRACT_SPEC, data);
    const other = new MemoryLogBackend(LOG_CONTRACT_SPEC, data);
    const controller = new AbortController();
    const waits = [
      closing.wait('w', 0),
      closing.wait('w', 3, { timeoutMs: 60_000 }),
      closing.wait('x', 0, { signal: controller.signal }),
    ];
    const survivor = other.wait('w', 0);
    await closing.close();
    for (const wait of waits) {
      const error = await rejectionOf(wait, 'CLOSED');
      expect(error.details).toMatchObject({ kind: LOG_CONTRACT_SPEC.kind, method: 'wait' });
    }
    // Nothing of the closed port's waits is left on the shared logs: 'x' was kept only for its waiter.
    expect(data.get('w')?.waiters.size).toBe(1);
    expect(data.has('x')).toBe(false);
    controller.abort(new Error('after close: nothing listens any more'));
    expect(await other.append('w', [entry(0)])).toBe(0);
    expect(await survivor).toBe(1);
    await closing.close();
  });

  it('a settled wait leaves no timer, no abort listener and no log kept for it', async () => {
    vi.useFakeTimers();
    const data: Logs = new Map();
    const log = new MemoryLogBackend(LOG_CONTRACT_SPEC, data);
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, 'addEventListener');
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const options = { signal: controller.signal, timeoutMs: 10_000 };

    const woken = log.wait('woken', 0, options);
    const timedOut = log.wait('timed-out', 0, options);
    const reason = new Error('already');
    // Its expectation is attached at once: the wait rejects before anything else here runs.
    const aborted = expect(log.wait('aborted', 0, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(vi.getTimerCount()).toBe(2);
    await log.append('woken', [entry(0)]);
    expect(await woken).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await timedOut).toBe(0);
    await aborted;

    expect(vi.getTimerCount()).toBe(0);
    expect(added).toHaveBeenCalledTimes(2);
    expect(removed).toHaveBeenCalledTimes(2);
    expect([...data.keys()]).toStrictEqual(['woken']);
    expect(data.get('woken')?.waiters.size).toBe(0);
  });

  it('an abort while waiting removes the timer and the waiter too', async () => {
    vi.useFakeTimers();
    const data: Logs = new Map();
    const log = new MemoryLogBackend(LOG_CONTRACT_SPEC, data);
    const controller = new AbortController();
    const reason = new Error('stop');
    const waiting = log.wait('w', 0, { signal: controller.signal, timeoutMs: 5_000 });
    expect(data.get('w')?.waiters.size).toBe(1);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(data.size).toBe(0);
  });

  it('serves a timeout past the range of setTimeout (24.8 days) in steps, not at once', async () => {
    vi.useFakeTimers();
    const log = new MemoryLogBackend(LOG_CONTRACT_SPEC);
    let size: number | undefined;
    const waiting = log.wait('w', 0, { timeoutMs: 2 ** 31 + 5 }).then((resolved) => {
      size = resolved;
    });
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(size).toBeUndefined();
    await vi.advanceTimersByTimeAsync(6);
    await waiting;
    expect(size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a dropped log keeps its waiters: an append from position 0 wakes them', async () => {
    const data: Logs = new Map();
    const log = new MemoryLogBackend(LOG_CONTRACT_SPEC, data);
    await log.append('d', [entry(0), entry(1)]);
    const waiting = log.wait('d', 2);
    expect(await log.drop('d')).toBe(true);
    expect(await log.logs()).toStrictEqual([]);
    expect(await log.drop('d')).toBe(false);
    await log.append('d', [entry(0), entry(1)]);
    expect(await log.append('d', [entry(2)])).toBe(2);
    expect(await waiting).toBe(3);
  });

  it('a pre-aborted signal rejects even when the log already holds more', async () => {
    const log = new MemoryLogBackend(LOG_CONTRACT_SPEC);
    await log.append('w', [entry(0)]);
    const reason = new Error('aborted first');
    await expect(log.wait('w', 0, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('wait refuses a signal that is not an AbortSignal', async () => {
    const log = new MemoryLogBackend(LOG_CONTRACT_SPEC);
    const signal = { aborted: false } as unknown as AbortSignal;
    const error = await rejectionOf(() => log.wait('w', 0, { signal }), 'INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ option: 'signal' });
  });
});

/**
 * The titles of the contract's tests that fail for ports made by `make` (with `reopen`). Each failure must
 * be a plain Error: the contract's own verdict, not an error of the port passing through.
 */
async function contractFailures(make: (data: Logs) => MemoryLogBackend<Header>): Promise<string[]> {
  const recording = recorder();
  const ports = memoryPorts(make);
  describeLogBackend(recording.framework, 'under test', ports.open, { reopen: ports.reopen });
  expect(recording.tests.size).toBeGreaterThan(20);
  const failed = await recording.errors();
  for (const error of failed.values()) {
    expect(error).toBeInstanceOf(Error);
    expect(isOmegaError(error)).toBe(false);
  }
  return [...failed.keys()];
}

/** Checks `expectedSize` only after an await: every racer reads the same size first, and all of them win. */
class RacyLog extends MemoryLogBackend<Header> {
  override async append(
    log: string,
    entries: readonly LogEntryInput<Header>[],
    options?: { expectedSize?: number },
  ) {
    checkAppend(LOG_CONTRACT_SPEC.kind, log, entries, options);
    const size = await this.size(log);
    const expected = options?.expectedSize;
    if (expected !== undefined && expected !== size)
      throw sizeConflict(LOG_CONTRACT_SPEC.kind, log, expected, size);
    return super.append(log, entries);
  }
}

/** Lists its logs newest name first. */
class UnsortedLog extends MemoryLogBackend<Header> {
  override async logs(options?: { after?: string; limit?: number }) {
    return (await super.logs(options)).reverse();
  }
}

/** Tells every appender the position after its first entry. */
class OffByOneLog extends MemoryLogBackend<Header> {
  override async append(
    log: string,
    entries: readonly LogEntryInput<Header>[],
    options?: { expectedSize?: number },
  ) {
    return (await super.append(log, entries, options)) + 1;
  }
}

/** Stores bodies as UTF-8 bytes, so lone surrogates come back as U+FFFD. */
class Utf8Log extends MemoryLogBackend<Header> {
  override async append(
    log: string,
    entries: readonly LogEntryInput<Header>[],
    options?: { expectedSize?: number },
  ) {
    const encoded = Array.isArray(entries)
      ? entries.map((e) => (typeof e?.body === 'string' ? { ...e, body: Buffer.from(e.body).toString() } : e))
      : entries;
    return super.append(log, encoded, options);
  }
}

describe('describeLogBackend', () => {
  it('passes the memory backend: every test, reopen included', async () => {
    expect(await contractFailures((data) => new MemoryLogBackend(LOG_CONTRACT_SPEC, data))).toStrictEqual([]);
  });

  // Its append awaits before it looks at the log, so one made just before close meets a closed port.
  it('fails a backend that checks expectedSize after an await: in the races and at close', async () => {
    expect(await contractFailures((data) => new RacyLog(LOG_CONTRACT_SPEC, data))).toStrictEqual([
      'of 16 appenders racing for one size exactly one wins, round after round',
      'of appenders racing for one size through two ports exactly one wins',
      'rejects pending waits and every later call with ClosedError naming the method; entries stay',
      'entries appended before close are there for the next port',
    ]);
  });

  it('fails a backend that lists its logs out of order', async () => {
    const failed = await contractFailures((data) => new UnsortedLog(LOG_CONTRACT_SPEC, data));
    expect(failed).toContain('logs() lists each non-empty log once, sorted by UTF-16 code unit');
    expect(failed).toContain('logs() pages with after and limit, every log once');
  });

  it('fails a backend whose append reports positions off by one', async () => {
    const failed = await contractFailures((data) => new OffByOneLog(LOG_CONTRACT_SPEC, data));
    expect(failed).toContain(
      'append resolves to the position of its first entry; positions run from 0 without gaps',
    );
    expect(failed).toContain('of 16 appenders racing for one size exactly one wins, round after round');
    expect(failed).toContain(
      'appends from many callers at once all land, each once, at contiguous positions',
    );
  });

  it('fails a backend that loses lone surrogates, and only on exact bodies', async () => {
    expect(await contractFailures((data) => new Utf8Log(LOG_CONTRACT_SPEC, data))).toStrictEqual([
      'entries come back exactly as appended: headers, and bodies of any text',
    ]);
  });
});
