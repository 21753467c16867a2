import { describe, expect, it } from 'vitest';
import { isOmegaError } from '../src/errors.js';
import { Lifecycle } from '../src/lifecycle.js';

describe('Lifecycle', () => {
  it('allows calls until closed, then throws ClosedError naming provider and method', () => {
    const life = new Lifecycle('FilesystemSessionProvider');
    expect(() => life.assertOpen('load')).not.toThrow();
    expect(life.markClosed()).toBe(true);
    expect(life.closed).toBe(true);
    expect(life.markClosed()).toBe(false);
    let caught: unknown;
    try {
      life.assertOpen('load');
    } catch (error) {
      caught = error;
    }
    expect(isOmegaError(caught, 'CLOSED')).toBe(true);
    expect((caught as { details: unknown }).details).toEqual({
      provider: 'FilesystemSessionProvider',
      method: 'load',
    });
  });
});
