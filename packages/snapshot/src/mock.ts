import {
  Lifecycle,
  type MachineSnapshot,
  type MockOptions,
  MockRecorder,
  type SnapshotInfo,
} from '@omega/core';
import type { ImportSnapshotOptions, SnapshotProvider } from './index.js';
import { MemorySnapshotProvider } from './memory.js';

/** Options of {@link MockSnapshotProvider}. */
export type MockSnapshotProviderOptions = MockOptions;

/**
 * A scriptable {@link SnapshotProvider} for testing a runtime: records every call (`calls`, `callsOf`) and
 * can fail the next or the nth call of a method (`failNext`, `failOn`), return a canned result
 * (`returnNext`) or add latency (`latencyMs`). Data lives in an inner memory provider, so unscripted it
 * behaves exactly like {@link MemorySnapshotProvider}.
 */
export class MockSnapshotProvider extends MockRecorder implements SnapshotProvider {
  readonly #life = new Lifecycle('MockSnapshotProvider');
  readonly #inner = new MemorySnapshotProvider();

  constructor(options: MockSnapshotProviderOptions = {}) {
    super(options);
  }

  async list(): Promise<SnapshotInfo[]> {
    return this.#call('list', [], () => this.#inner.list());
  }

  async save(name: string, snapshot: MachineSnapshot): Promise<void> {
    return this.#call('save', [name, snapshot], () => this.#inner.save(name, snapshot));
  }

  async load(name: string): Promise<MachineSnapshot | null> {
    return this.#call('load', [name], () => this.#inner.load(name));
  }

  async export(name: string, path: string): Promise<void> {
    return this.#call('export', [name, path], () => this.#inner.export(name, path));
  }

  async import(
    path: string,
    options?: ImportSnapshotOptions,
  ): Promise<{ name: string; snapshot: MachineSnapshot }> {
    return this.#call('import', [path, options], () => this.#inner.import(path, options));
  }

  async delete(name: string): Promise<void> {
    return this.#call('delete', [name], () => this.#inner.delete(name));
  }

  async info(name: string): Promise<SnapshotInfo | null> {
    return this.#call('info', [name], () => this.#inner.info(name));
  }

  async close(): Promise<void> {
    return this.record('close', [], async () => {
      this.#life.markClosed();
      await this.#inner.close();
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // Checks closed-ness here so a ClosedError names this provider, not the inner one.
  #call<T>(method: string, args: readonly unknown[], body: () => Promise<T>): Promise<T> {
    return this.record(method, args, async () => {
      this.#life.assertOpen(method);
      return body();
    });
  }
}
