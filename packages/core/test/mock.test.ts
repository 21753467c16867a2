import { describe, expect, it } from 'vitest';
import { MockFailureError, type MockOptions, MockRecorder } from '../src/mock.js';

class Counter extends MockRecorder {
  value = 0;
  constructor(options?: MockOptions) {
    super(options);
  }
  increment(by: number): Promise<number> {
    return this.record('increment', [by], async () => {
      this.value += by;
      return this.value;
    });
  }
  peek(): number {
    return this.recordSync('peek', [], () => this.value);
  }
}

describe('MockRecorder', () => {
  it('records calls with arguments and results, in order', async () => {
    const mock = new Counter();
    await mock.increment(2);
    mock.peek();
    await mock.increment(3);
    expect(mock.calls).toEqual([
      { method: 'increment', args: [2], result: 2 },
      { method: 'peek', args: [], result: 2 },
      { method: 'increment', args: [3], result: 5 },
    ]);
    expect(mock.callsOf('increment')).toHaveLength(2);
  });

  it('failNext fails only the next call, with the given error or a MockFailureError', async () => {
    const mock = new Counter();
    const custom = new Error('disk full');
    mock.failNext('increment', custom).failNext('increment');
    await expect(mock.increment(1)).rejects.toBe(custom);
    await expect(mock.increment(1)).rejects.toBeInstanceOf(MockFailureError);
    await expect(mock.increment(1)).resolves.toBe(1);
    expect(mock.calls.map((call) => 'error' in call)).toEqual([true, true, false]);
    expect(mock.calls[0]?.error).toBe(custom);
  });

  it('failOn fails the nth call of a method and leaves the body unrun', async () => {
    const mock = new Counter();
    mock.failOn('increment', 2);
    await mock.increment(1);
    await expect(mock.increment(10)).rejects.toMatchObject({ method: 'increment', callNumber: 2 });
    await mock.increment(1);
    expect(mock.value).toBe(2);
    expect(() => mock.failOn('increment', 0)).toThrow(RangeError);
  });

  it('scripts synchronous methods too', () => {
    const mock = new Counter();
    mock.failNext('peek');
    expect(() => mock.peek()).toThrow(MockFailureError);
    mock.returnNext('peek', 99);
    expect(mock.peek()).toBe(99);
    expect(mock.peek()).toBe(0);
  });

  it('returnNext returns a canned result without running the body', async () => {
    const mock = new Counter();
    mock.returnNext('increment', 42);
    await expect(mock.increment(5)).resolves.toBe(42);
    expect(mock.value).toBe(0);
  });

  it('applies latency to asynchronous calls', async () => {
    const mock = new Counter({ latencyMs: 5 });
    let settled = false;
    const pending = mock.increment(1).then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await pending;
    expect(settled).toBe(true);
  });

  it('reset forgets calls, scripts and call counts', async () => {
    const mock = new Counter();
    await mock.increment(1);
    mock.failNext('increment').failOn('increment', 2);
    mock.reset();
    expect(mock.calls).toEqual([]);
    await expect(mock.increment(1)).resolves.toBe(2);
    await expect(mock.increment(1)).resolves.toBe(3);
  });
});
