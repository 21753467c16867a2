import { thrownBy } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { MockEventEmitter } from '../src/mock.js';

describe('MockEventEmitter', () => {
  it('records every event with copies of its arguments, listened to or not', () => {
    const emitter = new MockEventEmitter();
    const payload = { op: 'file.read', step: 1 };
    expect(emitter.emit('effect.start', payload)).toBe(false);
    payload.step = 2;
    emitter.on('effect.end', () => undefined);
    expect(emitter.emit('effect.end', payload, 'ok')).toBe(true);
    expect(emitter.emitted).toStrictEqual([
      { event: 'effect.start', args: [{ op: 'file.read', step: 1 }], listeners: 0 },
      { event: 'effect.end', args: [{ op: 'file.read', step: 2 }, 'ok'], listeners: 1 },
    ]);
    expect(emitter.emittedOf('effect.end')).toHaveLength(1);
    emitter.reset();
    expect(emitter.emitted).toStrictEqual([]);
    expect(emitter.listenerCount('effect.end')).toBe(1);
  });

  it('calls listeners in the order added, once ones once, with the arguments themselves', () => {
    const emitter = new MockEventEmitter();
    const heard: unknown[] = [];
    const payload = { n: 1 };
    emitter.on('e', (arg) => heard.push(['on', arg === payload]));
    emitter.once('e', () => heard.push('once'));
    emitter.emit('e', payload);
    emitter.emit('e', payload);
    expect(heard).toStrictEqual([['on', true], 'once', ['on', true]]);
    expect(emitter.listenerCount('e')).toBe(1);
  });

  it('removes the latest registration of a listener with off, and every listener with removeAllListeners', () => {
    const emitter = new MockEventEmitter();
    const heard: string[] = [];
    const listener = () => heard.push('l');
    emitter.on('e', listener).on('e', listener).on('other', listener);
    emitter.off('e', listener);
    emitter.emit('e');
    expect(heard).toStrictEqual(['l']);
    expect(emitter.eventNames()).toStrictEqual(['e', 'other']);
    emitter.off('e', listener);
    expect(emitter.eventNames()).toStrictEqual(['other']);
    emitter.removeAllListeners();
    expect(emitter.emit('other')).toBe(false);
    expect(heard).toStrictEqual(['l']);
  });

  it('applies listeners added or removed during an emit from the next emit', () => {
    const emitter = new MockEventEmitter();
    const heard: string[] = [];
    const second = () => heard.push('second');
    emitter.on('e', () => {
      heard.push('first');
      emitter.off('e', second);
      emitter.on('e', () => heard.push('added'));
    });
    emitter.on('e', second);
    emitter.emit('e');
    expect(heard).toStrictEqual(['first', 'second']);
    expect(emitter.listenerCount('e')).toBe(2);
  });

  it("lets a listener's error reach the emitter's caller, the event recorded", () => {
    const emitter = new MockEventEmitter();
    const failure = new Error('listener failed');
    emitter.on('e', () => {
      throw failure;
    });
    expect(() => emitter.emit('e', 1)).toThrow(failure);
    expect(emitter.emitted).toStrictEqual([{ event: 'e', args: [1], listeners: 1 }]);
  });

  it('refuses an event name that is not a string and a listener that is not a function', () => {
    const emitter = new MockEventEmitter();
    expect(thrownBy(() => emitter.on('e', 42 as never), 'INVALID_ARGUMENT').details.path).toBe('listener');
    expect(thrownBy(() => emitter.emit(Symbol('e') as never), 'INVALID_ARGUMENT').details.path).toBe('event');
  });
});
