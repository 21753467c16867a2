import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../src/lifecycle.js';
import { NAME_RULE } from '../src/names.js';
import { INVALID_NAMES, thrownBy, VALID_EDGE_NAMES } from '../src/testing.js';

describe('Lifecycle', () => {
  it('allows calls until closed, then throws ClosedError naming provider and method', () => {
    const life = new Lifecycle('FilesystemSessionProvider');
    expect(() => life.assertOpen('load')).not.toThrow();
    expect(life.markClosed()).toBe(true);
    expect(life.closed).toBe(true);
    expect(life.markClosed()).toBe(false);
    const error = thrownBy(() => life.assertOpen('load'), 'CLOSED');
    expect(error.details).toEqual({
      provider: 'FilesystemSessionProvider',
      method: 'load',
    });
    expect(error.message).toBe('FilesystemSessionProvider.load() called after close()');
  });
});

describe('Lifecycle.assertNamed', () => {
  it('accepts every valid name while open', () => {
    const life = new Lifecycle('MemorySessionProvider', 'session');
    for (const name of VALID_EDGE_NAMES) expect(() => life.assertNamed('load', name)).not.toThrow();
  });

  it('rejects an invalid name with an InvalidNameError naming the kind', () => {
    const life = new Lifecycle('MemorySessionProvider', 'session');
    for (const name of INVALID_NAMES) {
      const error = thrownBy(() => life.assertNamed('load', name), 'INVALID_NAME');
      expect(error.details).toEqual({ kind: 'session', name, rule: NAME_RULE });
      expect(error.message).toMatch(/^invalid session name /);
    }
  });

  it('names the kind "record" unless given one', () => {
    const life = new Lifecycle('SomeProvider');
    expect(life.kind).toBe('record');
    expect(thrownBy(() => life.assertNamed('get', '../x'), 'INVALID_NAME').details).toMatchObject({
      kind: 'record',
    });
  });

  it('checks closed first: after close even an invalid name is a ClosedError', () => {
    const life = new Lifecycle('MemorySessionProvider', 'session');
    life.markClosed();
    for (const name of ['valid', ...INVALID_NAMES]) {
      const error = thrownBy(() => life.assertNamed('save', name), 'CLOSED');
      expect(error.details).toEqual({ provider: 'MemorySessionProvider', method: 'save' });
    }
  });

  it('narrows the name to a string for the code after it', () => {
    const life: Lifecycle = new Lifecycle('MemorySessionProvider', 'session');
    const name: unknown = 'run-1';
    life.assertNamed('load', name);
    const narrowed: string = name;
    expect(narrowed).toBe('run-1');
  });
});
