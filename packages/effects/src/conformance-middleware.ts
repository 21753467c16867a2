import type { SuiteContext } from '@omega/core/testing';
import { thrownBy } from '@omega/core/testing';
import { expect, it } from 'vitest';
import { SHORT_DEADLINE_MS } from './conformance-dispatch.js';
import { contextFor, expectFailure, hanging, returning } from './conformance-fixtures.js';
import type { EffectHandlerRegistry, EffectMiddleware, EffectResult } from './index.js';

/** The middleware chain: its order, short circuits, `next` called twice, and middleware failures. */
export function describeMiddlewareGroups<P extends EffectHandlerRegistry>({
  provider: current,
  fresh,
  group,
}: SuiteContext<P>): void {
  group('middleware', () => {
    it('runs the first added outermost, each around the next, the handler innermost', async () => {
      const order: string[] = [];
      const tracing =
        (name: string): EffectMiddleware =>
        async (_context, _args, next) => {
          order.push(`${name} in`);
          const result = await next();
          order.push(`${name} out`);
          return result;
        };
      current().use(tracing('first'));
      current().use(tracing('second'));
      current().use(tracing('third'));
      current().register('op', async () => {
        order.push('handler');
        return { ok: true, value: 1 };
      });
      expect(await current().dispatch('op', contextFor('op'))).toStrictEqual({ ok: true, value: 1 });
      expect(order).toStrictEqual([
        'first in',
        'second in',
        'third in',
        'handler',
        'third out',
        'second out',
        'first out',
      ]);
    });

    it('gives each middleware the context and arguments, frozen, and lets it change the result', async () => {
      const seen: unknown[] = [];
      current().use(async (context, args, next) => {
        seen.push(context.op, context.runId, [...args], Object.isFrozen(args));
        const result = await next();
        return result.ok ? { ok: true, value: { wrapped: result.value } } : result;
      });
      current().register('op', returning('inner'));
      expect(await current().dispatch('op', contextFor('op'), 1, 'two')).toStrictEqual({
        ok: true,
        value: { wrapped: 'inner' },
      });
      expect(seen).toStrictEqual(['op', 'conformance-run', [1, 'two'], true]);
    });

    it('lets a middleware refuse a call with a result of its own, the handler never called', async () => {
      const { handler, calls } = hanging();
      current().register('shell.run', handler);
      const denied: EffectResult = { ok: false, error: { code: 'CAPABILITY_DENIED', message: 'no shell' } };
      current().use(async (context, _args, next) => (context.op.startsWith('shell.') ? denied : next()));
      expect(await current().dispatch('shell.run', contextFor('shell.run'))).toStrictEqual(denied);
      expect(calls).toHaveLength(0);
    });

    it('resolves a second call of next to NEXT_CALLED_TWICE, never calling the handler again', async () => {
      let calls = 0;
      current().register('op', async () => {
        calls++;
        return { ok: true, value: calls };
      });
      let second: EffectResult | undefined;
      current().use(async (_context, _args, next) => {
        const first = await next();
        second = await next();
        return first;
      });
      expect(await current().dispatch('op', contextFor('op'))).toStrictEqual({ ok: true, value: 1 });
      expect(second && expectFailure(second, 'NEXT_CALLED_TWICE')).toBeDefined();
      expect(calls).toBe(1);
    });

    it('resolves a middleware that throws, rejects, or returns something else to an error result, which the middleware outside it sees', async () => {
      const failing: Array<[EffectMiddleware, string]> = [
        [
          () => {
            throw new Error('sync');
          },
          'MIDDLEWARE_FAILED',
        ],
        [async () => Promise.reject(new Error('async')), 'MIDDLEWARE_FAILED'],
        [(async () => 'not a result') as unknown as EffectMiddleware, 'INVALID_RESULT'],
        [(async () => ({ ok: true, value: Symbol('s') })) as unknown as EffectMiddleware, 'RESULT_NOT_VAL'],
      ];
      for (const [middleware, code] of failing) {
        const registry = await fresh();
        const outer: EffectResult[] = [];
        registry.use(async (_context, _args, next) => {
          const result = await next();
          outer.push(result);
          return result;
        });
        registry.use(middleware);
        registry.register('op', returning(1));
        expectFailure(await registry.dispatch('op', contextFor('op')), code);
        expect(outer).toHaveLength(1);
        expectFailure(outer[0] as EffectResult, code);
      }
    });

    it('shows middleware the failures of the handler as the result of next()', async () => {
      const seen: EffectResult[] = [];
      current().use(async (_context, _args, next) => {
        const result = await next();
        seen.push(result);
        return result;
      });
      current().register('throws', async () => {
        throw new Error('boom');
      });
      const { handler } = hanging();
      current().register('hang', handler);
      expectFailure(await current().dispatch('throws', contextFor('throws')), 'HANDLER_REJECTED');
      expectFailure(
        await current().dispatch('hang', contextFor('hang', { deadline: Date.now() + SHORT_DEADLINE_MS })),
        'TIMEOUT',
      );
      expect(seen.map((result) => (result.ok ? 'ok' : result.error.code))).toStrictEqual([
        'HANDLER_REJECTED',
        'TIMEOUT',
      ]);
    });

    it('keeps the chain a dispatch started with when middleware is added during it', async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const late: string[] = [];
      current().use(async (_context, _args, next) => {
        await gate;
        return next();
      });
      current().register('op', returning(1));
      const pending = current().dispatch('op', contextFor('op'));
      current().use(async (_context, _args, next) => {
        late.push('late');
        return next();
      });
      release();
      expect(await pending).toStrictEqual({ ok: true, value: 1 });
      expect(late).toStrictEqual([]);
      await current().dispatch('op', contextFor('op'));
      expect(late).toStrictEqual(['late']);
    });

    it('refuses a middleware that is not a function with InvalidArgumentError', () => {
      for (const middleware of [null, 42, {}]) {
        thrownBy(() => current().use(middleware as unknown as EffectMiddleware), 'INVALID_ARGUMENT');
      }
    });
  });
}
