import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  BudgetExceededError,
  CapabilityDeniedError,
  ClosedError,
  ConflictError,
  CorruptDataError,
  InvalidArgumentError,
  InvalidNameError,
  isOmegaError,
  NotFoundError,
  OmegaError,
} from '../src/errors.js';

describe('errors', () => {
  it.each([
    [NotFoundError, 'NOT_FOUND'],
    [AlreadyExistsError, 'ALREADY_EXISTS'],
    [InvalidNameError, 'INVALID_NAME'],
    [InvalidArgumentError, 'INVALID_ARGUMENT'],
    [CorruptDataError, 'CORRUPT_DATA'],
    [ConflictError, 'CONFLICT'],
    [BudgetExceededError, 'BUDGET_EXCEEDED'],
    [CapabilityDeniedError, 'CAPABILITY_DENIED'],
    [ClosedError, 'CLOSED'],
  ] as const)('%o carries code %s, its name, details and cause', (ErrorClass, code) => {
    const cause = new Error('underlying');
    const error = new ErrorClass('something happened', { cause, details: { name: 'x', file: '/tmp/x' } });
    expect(error).toBeInstanceOf(OmegaError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.details).toEqual({ name: 'x', file: '/tmp/x' });
    expect(error.cause).toBe(cause);
    expect(isOmegaError(error)).toBe(true);
    expect(isOmegaError(error, code)).toBe(true);
    expect(isOmegaError(error, code === 'CLOSED' ? 'CONFLICT' : 'CLOSED')).toBe(false);
  });

  it('defaults details to an empty object and leaves cause unset', () => {
    const error = new NotFoundError('missing');
    expect(error.details).toEqual({});
    expect('cause' in error).toBe(false);
  });

  it('rejects look-alikes that lack the marker', () => {
    expect(isOmegaError(new Error('plain'))).toBe(false);
    expect(isOmegaError({ code: 'NOT_FOUND', message: 'forged' })).toBe(false);
    expect(isOmegaError(null)).toBe(false);
    expect(isOmegaError('NOT_FOUND')).toBe(false);
  });

  it('recognises errors from a second loaded copy of the module', async () => {
    // A query string makes the module loader evaluate a second, independent copy of the module.
    const specifier = '../src/errors.js?second-copy';
    const copy = (await import(specifier)) as typeof import('../src/errors.js');
    const foreign = new copy.ConflictError('from the other copy');
    expect(foreign).not.toBeInstanceOf(ConflictError);
    expect(isOmegaError(foreign, 'CONFLICT')).toBe(true);
    expect(copy.isOmegaError(new ConflictError('from this copy'), 'CONFLICT')).toBe(true);
  });
});
