import { AlreadyExistsError, cloneVal, InvalidArgumentError, Lifecycle, type Val } from '@omega/core';
import { assertContext } from './context.js';
import { runEffect } from './dispatch.js';
import {
  type EffectContext,
  type EffectDescription,
  type EffectHandler,
  type EffectHandlerRegistry,
  type EffectMetadata,
  type EffectMiddleware,
  type EffectResult,
  type RegisterEffectOptions,
  RegisterEffectOptionsSchema,
} from './index.js';
import {
  assertValidOp,
  failure,
  isValidOp,
  KIND,
  opOfToolName,
  shown,
  toolNameOf,
  whyNotVal,
} from './rules.js';

/** How a registry class builds its front (not a user option). */
export interface EffectsFrontInit {
  /** The class name errors report (default: the class being constructed). */
  registry?: string;
}

/** One registration: its handler and what it says about its op. */
interface Registration {
  handler: EffectHandler;
  metadata: EffectMetadata;
}

/**
 * The effects family's rules, written once: the op rule, registration, the middleware chain and
 * `dispatch`. Unlike the storage families it sits on no store: handlers are functions of this process,
 * not data, so there is nothing to store. Every registry (memory, filesystem, the mock) is this front;
 * the filesystem one adds where its handlers come from.
 */
export class EffectsFront implements EffectHandlerRegistry {
  /** Closed checks: every method calls it first. */
  protected readonly lifecycle: Lifecycle;
  readonly #entries = new Map<string, Registration>();
  // Replaced, never changed in place: a dispatch keeps the chain it started with.
  #chain: readonly EffectMiddleware[] = Object.freeze([]);

  constructor(init: EffectsFrontInit = {}) {
    this.lifecycle = new Lifecycle(init.registry ?? new.target.name, KIND);
  }

  register(op: string, handler: EffectHandler, options: RegisterEffectOptions = {}): void {
    this.lifecycle.assertOpen('register');
    assertValidOp(op);
    if (typeof handler !== 'function') {
      throw this.#invalid(
        'register',
        op,
        'handler',
        `the handler of "${op}" is ${shown(handler)}, not a function`,
      );
    }
    const parsed = RegisterEffectOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = ['options', ...(issue?.path ?? [])].join('.');
      throw this.#invalid('register', op, path, `${path}: ${issue?.message ?? 'invalid'}`);
    }
    const { replace, ...metadata } = parsed.data;
    if (replace !== true && this.#entries.has(op)) {
      throw new AlreadyExistsError(`effect op "${op}" is registered already (pass { replace: true })`, {
        details: { provider: this.lifecycle.provider, kind: KIND, name: op },
      });
    }
    this.#entries.set(op, { handler, metadata: copyMetadata(metadata) });
  }

  get(op: string): EffectHandler | undefined {
    this.lifecycle.assertOpen('get');
    return this.#entries.get(op)?.handler;
  }

  list(): string[] {
    this.lifecycle.assertOpen('list');
    return [...this.#entries.keys()].sort(byCodeUnit);
  }

  has(op: string): boolean {
    this.lifecycle.assertOpen('has');
    return this.#entries.has(op);
  }

  unregister(op: string): boolean {
    this.lifecycle.assertOpen('unregister');
    return this.#entries.delete(op);
  }

  async dispatch(op: string, context: EffectContext, ...args: Val[]): Promise<EffectResult> {
    this.lifecycle.assertOpen('dispatch');
    if (typeof op !== 'string') {
      throw this.#invalid('dispatch', op, 'op', `op is ${shown(op)}, not a string`);
    }
    assertContext(this.lifecycle.provider, op, context);
    const entry = this.#entries.get(op);
    if (entry === undefined) {
      const why = isValidOp(op) ? 'has no handler' : 'is not a valid op';
      return failure('UNKNOWN_OP', `effect op ${shown(op)} ${why}`, false);
    }
    for (let i = 0; i < args.length; i++) {
      const notVal = whyNotVal(args[i]);
      if (notVal !== null) {
        const where = notVal.path.replace(/^\$/, `args[${i}]`);
        return failure('ARGS_NOT_VAL', `argument ${where} of "${op}" is not a Val: ${notVal.reason}`, false);
      }
    }
    if (context.signal.aborted) return failure('ABORTED', `effect "${op}" aborted by its caller`, false);
    if (context.deadline !== undefined && context.deadline <= Date.now()) {
      return failure('TIMEOUT', `effect "${op}" passed its deadline before it started`, true);
    }
    return runEffect(entry.handler, context, args, this.#chain);
  }

  use(middleware: EffectMiddleware): void {
    this.lifecycle.assertOpen('use');
    if (typeof middleware !== 'function') {
      throw new InvalidArgumentError(
        `${this.lifecycle.provider}.use: middleware is ${shown(middleware)}, not a function`,
        {
          details: { provider: this.lifecycle.provider, method: 'use', path: 'middleware' },
        },
      );
    }
    this.#chain = Object.freeze([...this.#chain, middleware]);
  }

  describe(op: string): EffectDescription | undefined {
    this.lifecycle.assertOpen('describe');
    const entry = this.#entries.get(op);
    if (entry === undefined) return undefined;
    return { op, toolName: toolNameOf(op), ...copyMetadata(entry.metadata) };
  }

  toolName(op: string): string {
    this.lifecycle.assertOpen('toolName');
    assertValidOp(op);
    return toolNameOf(op);
  }

  opOf(toolName: string): string | undefined {
    this.lifecycle.assertOpen('opOf');
    if (typeof toolName !== 'string') return undefined;
    const op = opOfToolName(toolName);
    return op !== undefined && this.#entries.has(op) ? op : undefined;
  }

  /** Later calls throw (or, for `dispatch`, reject) with `ClosedError`; dispatches under way finish. Idempotent. */
  async close(): Promise<void> {
    this.lifecycle.markClosed();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #invalid(method: string, op: unknown, path: string, message: string): InvalidArgumentError {
    const provider = this.lifecycle.provider;
    return new InvalidArgumentError(`${provider}.${method}: ${message}`, {
      details: { provider, method, kind: KIND, name: op, path },
    });
  }
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// Metadata holds caller values (the input schema): copies in and out, so neither side shares them.
function copyMetadata(metadata: EffectMetadata): EffectMetadata {
  return cloneVal(metadata as Val) as EffectMetadata;
}
