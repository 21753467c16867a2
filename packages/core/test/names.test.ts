import { describe, expect, it } from 'vitest';
import { isOmegaError } from '../src/errors.js';
import { assertValidName, isValidName, NAME_RULE } from '../src/names.js';
import { INVALID_NAMES, VALID_EDGE_NAMES } from '../src/testing.js';

describe('names', () => {
  it.each(VALID_EDGE_NAMES)('accepts %j', (name) => {
    expect(isValidName(name)).toBe(true);
    expect(() => assertValidName('session', name)).not.toThrow();
  });

  it.each(INVALID_NAMES.map((name) => [name]))(
    'rejects %j with an InvalidNameError quoting the rule',
    (name) => {
      expect(isValidName(name)).toBe(false);
      let caught: unknown;
      try {
        assertValidName('snapshot', name);
      } catch (error) {
        caught = error;
      }
      expect(isOmegaError(caught, 'INVALID_NAME')).toBe(true);
      const error = caught as Error & { details: Record<string, unknown> };
      expect(error.message).toContain(NAME_RULE);
      expect(error.details).toMatchObject({ kind: 'snapshot', rule: NAME_RULE });
    },
  );

  it('accepts exactly 128 characters and rejects 129', () => {
    expect(isValidName('a'.repeat(128))).toBe(true);
    expect(isValidName('a'.repeat(129))).toBe(false);
  });
});
