/**
 * The codes of the error results the registry makes itself; a handler's own failures pass through with
 * their own codes.
 */
export const EFFECT_ERROR_CODES = {
  /** No handler is registered for the op (or it is not a valid op): a model may ask for anything. */
  UNKNOWN_OP: 'UNKNOWN_OP',
  /** An argument is not a `Val`; no middleware nor handler ran. */
  ARGS_NOT_VAL: 'ARGS_NOT_VAL',
  /** The handler threw synchronously. */
  HANDLER_THREW: 'HANDLER_THREW',
  /** The handler's promise rejected. */
  HANDLER_REJECTED: 'HANDLER_REJECTED',
  /** A handler or middleware resolved to something that is not an `EffectResult`. */
  INVALID_RESULT: 'INVALID_RESULT',
  /** A result's `value` is not a `Val`. */
  RESULT_NOT_VAL: 'RESULT_NOT_VAL',
  /** A middleware threw or rejected. */
  MIDDLEWARE_FAILED: 'MIDDLEWARE_FAILED',
  /** A middleware called `next` a second time: that call's result; the handler did not run again. */
  NEXT_CALLED_TWICE: 'NEXT_CALLED_TWICE',
  /** The context's deadline passed before the handler finished (retryable). */
  TIMEOUT: 'TIMEOUT',
  /** The context's signal aborted before the handler finished. */
  ABORTED: 'ABORTED',
} as const;
export type EffectErrorCode = keyof typeof EFFECT_ERROR_CODES;
