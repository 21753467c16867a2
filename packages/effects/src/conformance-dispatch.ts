import type { Val } from '@omega/core';
import {
  assertSameValue,
  exoticValues,
  rejectionOf,
  type SuiteContext,
  unstorableValues,
} from '@omega/core/testing';
import { expect, it } from 'vitest';
import { contextFor, expectFailure, hanging, returning, signalled } from './conformance-fixtures.js';
import type { EffectContext, EffectHandler, EffectHandlerRegistry, EffectResult } from './index.js';

/**
 * The deadlines of the timeout tests, from now: a dispatch calls its handler synchronously, so the handler
 * runs long before this; the tests assert on results, never on elapsed time.
 */
export const SHORT_DEADLINE_MS = 50;

/** `dispatch`: results, each run-time failure as an error result with its code, deadlines and aborts. */
export function describeDispatchGroups<P extends EffectHandlerRegistry>({
  provider: current,
  fresh,
  group,
}: SuiteContext<P>): void {
  group('dispatch', () => {
    it("resolves to the handler's result, passing it the context and the arguments in order", async () => {
      const seen: Array<{ context: EffectContext; args: Val[] }> = [];
      current().register('math.add', async (context, ...args) => {
        seen.push({ context, args });
        return { ok: true, value: (args[0] as number) + (args[1] as number), usage: { costUsd: 0.5 } };
      });
      const context = contextFor('math.add', { meta: { trace: 'abc' } });
      const result = await current().dispatch('math.add', context, 2, 3);
      expect(result).toStrictEqual({ ok: true, value: 5, usage: { costUsd: 0.5 } });
      expect(seen).toHaveLength(1);
      expect(seen[0]?.args).toStrictEqual([2, 3]);
      expect(seen[0]?.context).toMatchObject({
        runId: 'conformance-run',
        step: 3,
        op: 'math.add',
        meta: { trace: 'abc' },
      });
    });

    it("passes a handler's own error results through unchanged", async () => {
      const own: EffectResult = {
        ok: false,
        error: { code: 'ENOENT', message: 'no such file', retryable: false },
      };
      current().register('file.read', async () => own);
      expect(await current().dispatch('file.read', contextFor('file.read'), '/missing')).toStrictEqual(own);
    });

    it('passes every kind of value through, as arguments and as the result', async () => {
      current().register('echo', async (_context, value) => ({ ok: true, value }));
      for (const [label, value] of Object.entries(exoticValues())) {
        const result = await current().dispatch('echo', contextFor('echo'), value);
        if (!result.ok) throw new Error(`${label}: ${result.error.code} ${result.error.message}`);
        assertSameValue(result.value, value, label);
      }
    });

    it('resolves an unknown op, or a string that is no op, to UNKNOWN_OP', async () => {
      current().register('known', returning(1));
      for (const op of ['unknown.op', 'known.not', '', '../x', '__proto__', 'constructor']) {
        expectFailure(await current().dispatch(op, contextFor(op)), 'UNKNOWN_OP');
      }
    });

    it('resolves arguments that are not values to ARGS_NOT_VAL, calling no handler', async () => {
      let calls = 0;
      current().register('take', async () => {
        calls++;
        return { ok: true, value: null };
      });
      for (const { label, value } of unstorableValues()) {
        const error = expectFailure(
          await current().dispatch('take', contextFor('take'), 1, value as Val),
          'ARGS_NOT_VAL',
        );
        expect(error.message, label).toContain('args[1]');
        expectFailure(await current().dispatch('take', contextFor('take'), [value] as Val), 'ARGS_NOT_VAL');
      }
      const throwing = {
        get field(): Val {
          throw new Error('a getter that throws');
        },
      };
      expectFailure(await current().dispatch('take', contextFor('take'), throwing), 'ARGS_NOT_VAL');
      expect(calls).toBe(0);
    });

    it('resolves a handler that throws to HANDLER_THREW, and one that rejects to HANDLER_REJECTED', async () => {
      current().register('throws', (() => {
        throw new TypeError('sync failure');
      }) as EffectHandler);
      current().register('rejects', async () => {
        throw new RangeError('async failure');
      });
      current().register('rejects.nothing', () => Promise.reject(undefined));
      const thrown = expectFailure(await current().dispatch('throws', contextFor('throws')), 'HANDLER_THREW');
      expect(thrown.message).toContain('sync failure');
      const rejected = expectFailure(
        await current().dispatch('rejects', contextFor('rejects')),
        'HANDLER_REJECTED',
      );
      expect(rejected.message).toContain('async failure');
      expectFailure(
        await current().dispatch('rejects.nothing', contextFor('rejects.nothing')),
        'HANDLER_REJECTED',
      );
    });

    it('resolves a result that is not an EffectResult to INVALID_RESULT', async () => {
      const results: unknown[] = [
        undefined,
        null,
        42,
        'ok',
        [],
        {},
        { ok: 'yes', value: 1 },
        { ok: true },
        { ok: true, value: 1, extra: 1 },
        { ok: true, value: 1, usage: { costUsd: -1 } },
        { ok: true, value: 1, usage: { inputTokens: Number.POSITIVE_INFINITY } },
        { ok: true, value: 1, usage: { tokens: 1 } },
        { ok: false },
        { ok: false, error: 'boom' },
        { ok: false, error: { code: '', message: 'm' } },
        { ok: false, error: { code: 'X' } },
        { ok: false, error: { code: 'X', message: 'm', retryable: 'no' } },
        { ok: false, error: { code: 'X', message: 'm', stack: 's' } },
        new (class Result {
          ok = true;
          value = 1;
        })(),
        {
          get ok(): boolean {
            throw new Error('a getter that throws');
          },
        },
      ];
      for (const [i, returned] of results.entries()) {
        const op = `bad.result${i}`;
        current().register(op, (async () => returned) as EffectHandler);
        expectFailure(await current().dispatch(op, contextFor(op)), 'INVALID_RESULT');
      }
    });

    it('resolves a result whose value is not a value to RESULT_NOT_VAL', async () => {
      for (const [i, { label, value }] of unstorableValues().entries()) {
        const op = `bad.value${i}`;
        current().register(op, (async () => ({ ok: true, value })) as EffectHandler);
        const error = expectFailure(await current().dispatch(op, contextFor(op)), 'RESULT_NOT_VAL');
        expect(error.message, label).toContain('value');
      }
    });

    it('rejects with InvalidArgumentError naming the field for an op that is not a string or a bad context', async () => {
      current().register('op', returning(1));
      const notString = await rejectionOf(
        () => current().dispatch(42 as unknown as string, contextFor('op')),
        'INVALID_ARGUMENT',
      );
      expect(notString.details.path).toBe('op');
      const contexts: Array<[unknown, string]> = [
        [null, 'context'],
        ['context', 'context'],
        [{ ...contextFor('op'), runId: 7 }, 'context.runId'],
        [{ ...contextFor('op'), step: -1 }, 'context.step'],
        [{ ...contextFor('op'), step: 1.5 }, 'context.step'],
        [{ ...contextFor('op'), op: 'other' }, 'context.op'],
        [{ ...contextFor('op'), signal: {} }, 'context.signal'],
        [{ ...contextFor('op'), deadline: Number.NaN }, 'context.deadline'],
        [{ ...contextFor('op'), meta: [] }, 'context.meta'],
        [{ ...contextFor('op'), meta: { f: () => 1 } }, 'context.meta.f'],
      ];
      for (const [context, path] of contexts) {
        const error = await rejectionOf(
          () => current().dispatch('op', context as EffectContext),
          'INVALID_ARGUMENT',
        );
        expect(error.details).toMatchObject({ method: 'dispatch', op: 'op', path });
      }
    });

    it('finishes a dispatch under way with the handler it started with, after unregister or replace', async () => {
      const started = signalled();
      let finish: (result: EffectResult) => void = () => undefined;
      current().register('slow', () => {
        started.resolve();
        return new Promise((resolve) => {
          finish = resolve;
        });
      });
      const pending = current().dispatch('slow', contextFor('slow'));
      await started.promise;
      current().register('slow', returning('replacement'), { replace: true });
      current().unregister('slow');
      finish({ ok: true, value: 'original' });
      expect(await pending).toStrictEqual({ ok: true, value: 'original' });
    });
  });

  group('deadlines and aborts', () => {
    it('resolves to TIMEOUT at the deadline when the handler ignores its signal, and aborts that signal', async () => {
      const { handler, calls } = hanging();
      current().register('hang', handler);
      const context = contextFor('hang', { deadline: Date.now() + SHORT_DEADLINE_MS });
      const error = expectFailure(await current().dispatch('hang', context), 'TIMEOUT');
      expect(error).toMatchObject({ retryable: true });
      expect(calls).toHaveLength(1);
      expect(calls[0]?.signal.aborted).toBe(true);
      expect(calls[0]?.signal.reason).toMatchObject({ name: 'TimeoutError' });
      expect(calls[0]?.deadline).toBe(context.deadline);
      expect(context.signal.aborted).toBe(false);
    });

    it('resolves a deadline already passed to TIMEOUT without calling the handler', async () => {
      const { handler, calls } = hanging();
      current().register('hang', handler);
      expectFailure(
        await current().dispatch('hang', contextFor('hang', { deadline: Date.now() - 1 })),
        'TIMEOUT',
      );
      expect(calls).toHaveLength(0);
    });

    it('gives a handler done before its deadline its own result, its signal never aborted', async () => {
      const signals: AbortSignal[] = [];
      current().register('quick', async (context) => {
        signals.push(context.signal);
        return { ok: true, value: 'done' };
      });
      const context = contextFor('quick', { deadline: Date.now() + 60_000 });
      expect(await current().dispatch('quick', context)).toStrictEqual({ ok: true, value: 'done' });
      expect(signals[0]?.aborted).toBe(false);
    });

    it("resolves to ABORTED when the caller's signal aborts, even if the handler ignores it, passing the reason on", async () => {
      for (const deadline of [undefined, Date.now() + 60_000]) {
        const registry = await fresh();
        const started = signalled();
        const signals: AbortSignal[] = [];
        registry.register('hang', (context) => {
          signals.push(context.signal);
          started.resolve();
          return hanging().handler(context);
        });
        const controller = new AbortController();
        const pending = registry.dispatch(
          'hang',
          contextFor('hang', { signal: controller.signal, deadline }),
        );
        await started.promise;
        const reason = new Error('user cancelled');
        controller.abort(reason);
        expect(expectFailure(await pending, 'ABORTED')).toMatchObject({ retryable: false });
        expect(signals[0]?.aborted).toBe(true);
        expect(signals[0]?.reason).toBe(reason);
      }
    });

    it('aborts at the deadline the signal a handler took when it started', async () => {
      const heard: unknown[] = [];
      current().register('listen', (context) => {
        context.signal.addEventListener('abort', () => heard.push(context.signal.reason));
        return new Promise<EffectResult>(() => undefined);
      });
      const context = contextFor('listen', { deadline: Date.now() + SHORT_DEADLINE_MS });
      expectFailure(await current().dispatch('listen', context), 'TIMEOUT');
      expect(heard).toHaveLength(1);
      expect(heard[0]).toMatchObject({ name: 'TimeoutError' });
    });

    it('lets dispatches under way finish after close, refusing new ones', async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      current().register('slow', async () => {
        await gate;
        return { ok: true, value: 'finished' };
      });
      const pending = current().dispatch('slow', contextFor('slow'));
      await current().close();
      await rejectionOf(() => current().dispatch('slow', contextFor('slow')), 'CLOSED');
      release();
      expect(await pending).toStrictEqual({ ok: true, value: 'finished' });
    });

    it('resolves a signal aborted before the dispatch to ABORTED without calling the handler', async () => {
      const { handler, calls } = hanging();
      current().register('hang', handler);
      expectFailure(
        await current().dispatch('hang', contextFor('hang', { signal: AbortSignal.abort() })),
        'ABORTED',
      );
      expect(calls).toHaveLength(0);
    });

    it('ends at the deadline even when a middleware never settles', async () => {
      current().register('op', returning(1));
      current().use(() => new Promise<EffectResult>(() => undefined));
      expectFailure(
        await current().dispatch('op', contextFor('op', { deadline: Date.now() + SHORT_DEADLINE_MS })),
        'TIMEOUT',
      );
    });
  });
}
