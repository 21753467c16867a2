import { type Closable, type Val, ValSchema, z } from '@omega/core';

export type { Val } from '@omega/core';

/** Token counts and cost of one effect, as its handler reports them. Cost in USD. */
export const EffectUsageSchema = z
  .object({
    inputTokens: z.number().nonnegative().finite().optional(),
    outputTokens: z.number().nonnegative().finite().optional(),
    costUsd: z.number().nonnegative().finite().optional(),
  })
  .strict();
export type EffectUsage = z.infer<typeof EffectUsageSchema>;

/**
 * Why an effect failed. `code` is machine-readable: the registry's own codes are `EFFECT_ERROR_CODES`; a
 * handler's failures carry codes of its own. `retryable` says whether the same call may succeed later.
 */
export const EffectErrorSchema = z
  .object({
    code: z.string().min(1),
    message: z.string(),
    retryable: z.boolean().optional(),
  })
  .strict();
export type EffectError = z.infer<typeof EffectErrorSchema>;

/** What every effect resolves to: a value (and the usage it cost), or an error. Never a rejection. */
export const EffectResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: ValSchema, usage: EffectUsageSchema.optional() }).strict(),
  z.object({ ok: z.literal(false), error: EffectErrorSchema }).strict(),
]);
export type EffectResult = z.infer<typeof EffectResultSchema>;

/**
 * The call an effect handler serves. Not data (it holds a signal), so it has no schema; `dispatch` checks
 * it by hand (`InvalidArgumentError` naming the field).
 */
export interface EffectContext {
  /** The run making the call. */
  runId: string;
  /** The step of the run (a non-negative integer). */
  step: number;
  /** The operation called: the op `dispatch` was given. */
  op: string;
  /** Aborted when the caller gives up or the deadline passes: a handler should stop its work then. */
  signal: AbortSignal;
  /** When the call must be done, in milliseconds since the epoch (`Date.now()`'s clock). */
  deadline?: number;
  /** Whatever the runtime passes along (a trace id, a capability set). */
  meta?: Record<string, Val>;
}

/** Serves one operation: resolves to an {@link EffectResult}; it should stop when `context.signal` aborts. */
export type EffectHandler = (context: EffectContext, ...args: Val[]) => Promise<EffectResult>;

/**
 * Wraps every dispatch: called with the call's context and arguments and `next`, which runs the rest of
 * the chain (the next middleware, then the handler) once. A middleware may return `next()`'s result, a
 * result of its own (to refuse the call), or a changed one. Calling `next` a second time resolves to an
 * error result (`NEXT_CALLED_TWICE`) and never calls the handler again.
 */
export type EffectMiddleware = (
  context: EffectContext,
  args: readonly Val[],
  next: () => Promise<EffectResult>,
) => Promise<EffectResult>;

/** What a caller expects an effect to cost: what a runtime reserves from a budget before dispatching it. */
export const EffectCostEstimateSchema = EffectUsageSchema;
export type EffectCostEstimate = z.infer<typeof EffectCostEstimateSchema>;

/**
 * What a registration says about its op, so a runtime can offer ops to a model as tools: a description,
 * the JSON Schema of its arguments (a `Val`; the registry keeps it, never interprets it), and its cost
 * estimate.
 */
export const EffectMetadataSchema = z
  .object({
    description: z.string().optional(),
    inputSchema: ValSchema.optional(),
    costEstimate: EffectCostEstimateSchema.optional(),
  })
  .strict();
export type EffectMetadata = z.infer<typeof EffectMetadataSchema>;

/** Options of {@link EffectHandlerRegistry.register}: the metadata, and `replace` to replace an op's handler. */
export const RegisterEffectOptionsSchema = EffectMetadataSchema.extend({
  replace: z.boolean().optional(),
}).strict();
export type RegisterEffectOptions = z.infer<typeof RegisterEffectOptionsSchema>;

/** What {@link EffectHandlerRegistry.describe} tells of a registered op. */
export interface EffectDescription extends EffectMetadata {
  op: string;
  /** The op as a tool name model APIs accept ({@link EffectHandlerRegistry.toolName}). */
  toolName: string;
}

/**
 * Handlers of effect operations, keyed by op (words separated by `.` or `/`: `file.read`; the rule is `OP_RULE`).
 * The seed's `register`, `get`, `list` and `has` are kept, synchronous; `dispatch` runs an op through the
 * middleware and never rejects for what happens at run time: every failure is an `{ ok: false, error }`.
 *
 * Backends: `MemoryEffectHandlerRegistry` (`@omega/effects/memory`), `FilesystemEffectHandlerRegistry`
 * (`@omega/effects/filesystem`, handlers loaded from a directory of ES modules) and
 * `MockEffectHandlerRegistry` (`@omega/effects/mock`). Every backend passes
 * `describeEffectHandlerRegistry` (`@omega/effects/conformance`).
 */
export interface EffectHandlerRegistry extends Closable {
  /**
   * Registers `handler` for `op`. An op already registered is an `AlreadyExistsError` unless
   * `options.replace`; an op breaking the rule is an `InvalidNameError`; a handler that is not a function or
   * bad options are an `InvalidArgumentError`.
   */
  register(op: string, handler: EffectHandler, options?: RegisterEffectOptions): void;

  /** The handler of `op`, or `undefined` (also for a string that is not a valid op). */
  get(op: string): EffectHandler | undefined;

  /** The registered ops, sorted by code unit. */
  list(): string[];

  /** Whether `op` has a handler. */
  has(op: string): boolean;

  /** Removes `op`'s handler and metadata; returns whether there was one. */
  unregister(op: string): boolean;

  /**
   * Runs `op`'s handler with `context` and `args` through the middleware (the first added outermost).
   * Resolves to the handler's result, or to `{ ok: false, error }` for an unknown op, arguments or a result
   * that are not values, a handler or middleware that throws, rejects or returns something else, the
   * deadline passing, or `context.signal` aborting (codes: `EFFECT_ERROR_CODES`). Rejects only for
   * programming errors: `ClosedError`, and `InvalidArgumentError` for an op that is not a string or a
   * context that is not an {@link EffectContext} for that op.
   */
  dispatch(op: string, context: EffectContext, ...args: Val[]): Promise<EffectResult>;

  /** Adds `middleware` around every later dispatch, inside those added before it. */
  use(middleware: EffectMiddleware): void;

  /** What `op`'s registration says (copies), or `undefined` when it is not registered. */
  describe(op: string): EffectDescription | undefined;

  /**
   * `op` as a tool name model APIs accept (`^[a-zA-Z0-9_-]{1,64}$`, as OpenAI's and Anthropic's): each `.`
   * becomes `__`, each `/` `--`. One-to-one on valid ops; `InvalidNameError` for an op breaking the rule.
   */
  toolName(op: string): string;

  /**
   * The registered op whose {@link EffectHandlerRegistry.toolName} is `toolName` (what a model names in a
   * tool call), or `undefined`.
   */
  opOf(toolName: string): string | undefined;
}

export { EFFECT_ERROR_CODES, type EffectErrorCode } from './codes.js';
export { assertValidOp, isValidOp, OP_RULE } from './op-rule.js';
