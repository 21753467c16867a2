import type { SuiteContext } from '@omega/core/testing';
import { INVALID_NAMES, mulberry32, OBJECT_KEY_NAMES, thrownBy } from '@omega/core/testing';
import { expect, it } from 'vitest';
import { returning } from './conformance-fixtures.js';
import type { EffectHandlerRegistry, RegisterEffectOptions } from './index.js';
import { KIND } from './rules.js';

/** Ops every registry accepts: one word, several, `_` and `-` inside words, 64 characters of tool name. */
export const VALID_OPS: readonly string[] = [
  'a',
  'file.read',
  'tool.read',
  'opr.step.kernel-2',
  'web_search',
  'commit-tested.op',
  'A1.b2.C3',
  'x'.repeat(64),
  `${'x'.repeat(31)}.${'y'.repeat(31)}`,
];

/**
 * Ops every registry refuses with `InvalidNameError`: the names refused everywhere (but `a/b`: ops are not
 * stored, and `/` separates words of the lineage's ops), and the op rule's own.
 */
export const INVALID_OPS: readonly unknown[] = [
  ...INVALID_NAMES.filter((name) => name !== 'a/b'),
  'a..b',
  '.a',
  'a.',
  'a__b',
  '_a',
  'a-',
  'a_-b',
  'a//b',
  '/a',
  'a--b',
  'x'.repeat(65),
  `${'x'.repeat(32)}.${'y'.repeat(31)}`,
];

/** Registration, the op rule, listing, unregistering, metadata and tool names. */
export function describeRegistrationGroups<P extends EffectHandlerRegistry>({
  provider: current,
  group,
}: SuiteContext<P>): void {
  group('registration', () => {
    it('registers, gets, lists sorted, reports has, and unregisters', () => {
      const read = returning('read');
      current().register('file.read', read);
      current().register('file.Write', returning('write'));
      current().register('a.b', returning('ab'));
      expect(current().get('file.read')).toBe(read);
      expect(current().has('file.read')).toBe(true);
      expect(current().list()).toStrictEqual(['a.b', 'file.Write', 'file.read']);
      expect(current().unregister('file.read')).toBe(true);
      expect(current().unregister('file.read')).toBe(false);
      expect(current().has('file.read')).toBe(false);
      expect(current().get('file.read')).toBeUndefined();
      expect(current().list()).toStrictEqual(['a.b', 'file.Write']);
    });

    it('refuses an op registered already with AlreadyExistsError naming it, keeping the first handler', () => {
      const first = returning(1);
      current().register('dup.op', first);
      const error = thrownBy(() => current().register('dup.op', returning(2)), 'ALREADY_EXISTS');
      expect(error.details).toMatchObject({ kind: KIND, name: 'dup.op' });
      expect(current().get('dup.op')).toBe(first);
    });

    it('replaces an op given { replace: true }, with its metadata', () => {
      current().register('dup.op', returning(1), { description: 'first' });
      const second = returning(2);
      current().register('dup.op', second, { replace: true, description: 'second' });
      expect(current().get('dup.op')).toBe(second);
      expect(current().describe('dup.op')?.description).toBe('second');
      expect(current().list()).toStrictEqual(['dup.op']);
    });

    it('accepts every op of the rule', () => {
      for (const op of VALID_OPS) current().register(op, returning(op));
      expect(current().list()).toStrictEqual([...VALID_OPS].sort());
    });

    it('refuses every op breaking the rule with InvalidNameError naming the kind, registering nothing', () => {
      for (const op of INVALID_OPS) {
        const error = thrownBy(() => current().register(op as string, returning(1)), 'INVALID_NAME');
        expect(error.details).toMatchObject({ kind: KIND, name: op });
        expect(current().has(op as string)).toBe(false);
        expect(current().get(op as string)).toBeUndefined();
      }
      expect(current().list()).toStrictEqual([]);
    });

    it('refuses a handler that is not a function, and bad options, with InvalidArgumentError', () => {
      for (const handler of [null, 42, 'handler', {}]) {
        const error = thrownBy(() => current().register('x.y', handler as never), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ name: 'x.y', path: 'handler' });
      }
      const badOptions: Array<[unknown, string]> = [
        [{ replace: 'yes' }, 'options.replace'],
        [{ description: 42 }, 'options.description'],
        [{ inputSchema: () => 1 }, 'options.inputSchema'],
        [{ costEstimate: { costUsd: -1 } }, 'options.costEstimate.costUsd'],
        [{ costEstimate: { inputTokens: Number.NaN } }, 'options.costEstimate.inputTokens'],
        [{ unknown: true }, 'options'],
        [42, 'options'],
      ];
      for (const [options, path] of badOptions) {
        const error = thrownBy(
          () => current().register('x.y', returning(1), options as RegisterEffectOptions),
          'INVALID_ARGUMENT',
        );
        expect(error.details).toMatchObject({ name: 'x.y', path });
      }
      expect(current().list()).toStrictEqual([]);
    });

    it('treats ops a plain object has (constructor, toString, ...) as any other op', () => {
      const ops = OBJECT_KEY_NAMES.filter((op) => /^[a-z]/i.test(op));
      for (const op of ops) {
        expect(current().has(op)).toBe(false);
        expect(current().get(op)).toBeUndefined();
        expect(current().describe(op)).toBeUndefined();
        expect(current().unregister(op)).toBe(false);
      }
      for (const op of ops) current().register(op, returning(op));
      expect(current().list()).toStrictEqual([...ops].sort());
    });
  });

  group('metadata and tool names', () => {
    it('describes a registration with its metadata and tool name, and an unknown op as undefined', () => {
      const inputSchema = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
      current().register('file.read', returning(1), {
        description: 'Reads a file',
        inputSchema,
        costEstimate: { costUsd: 0.001, inputTokens: 10 },
      });
      current().register('bare', returning(1));
      expect(current().describe('file.read')).toStrictEqual({
        op: 'file.read',
        toolName: 'file__read',
        description: 'Reads a file',
        inputSchema,
        costEstimate: { costUsd: 0.001, inputTokens: 10 },
      });
      expect(current().describe('bare')).toStrictEqual({ op: 'bare', toolName: 'bare' });
      expect(current().describe('other')).toBeUndefined();
    });

    it('keeps metadata apart from the caller: changing what was given or described changes nothing', () => {
      const inputSchema = { type: 'object', properties: { path: { type: 'string' } } };
      current().register('file.read', returning(1), { inputSchema });
      inputSchema.properties.path.type = 'number';
      const described = current().describe('file.read');
      expect(described?.inputSchema).toStrictEqual({
        type: 'object',
        properties: { path: { type: 'string' } },
      });
      (described?.inputSchema as { type: string }).type = 'changed';
      expect(current().describe('file.read')?.inputSchema).toMatchObject({ type: 'object' });
    });

    it('maps ops to tool names model APIs accept, one to one, and back for registered ops', () => {
      const random = mulberry32(15);
      const alphabet = 'abcXYZ019';
      const word = () => {
        const parts = 1 + Math.floor(random() * 3);
        return Array.from({ length: parts }, () =>
          Array.from({ length: 1 + Math.floor(random() * 3) }, () => alphabet[Math.floor(random() * 9)]).join(
            '',
          ),
        ).join(random() < 0.5 ? '_' : '-');
      };
      const ops = new Set<string>(VALID_OPS);
      const joined = (words: string[]) =>
        words.reduce((op, next) => `${op}${random() < 0.7 ? '.' : '/'}${next}`);
      while (ops.size < 300) ops.add(joined(Array.from({ length: 1 + Math.floor(random() * 4) }, word)));
      const names = new Map<string, string>();
      for (const op of ops) {
        const name = current().toolName(op);
        expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
        expect(names.get(name), `${op} and ${names.get(name)} share the tool name ${name}`).toBeUndefined();
        names.set(name, op);
      }
      expect(current().toolName('file.read')).toBe('file__read');
      expect(current().toolName('commit/rewrite.op')).toBe('commit--rewrite__op');
      for (const op of ops) current().register(op, returning(op));
      for (const [name, op] of names) expect(current().opOf(name)).toBe(op);
    });

    it('finds no op for a tool name nothing registered, or that no op maps to', () => {
      current().register('file.read', returning(1));
      for (const name of ['file__write', 'file.read', 'file___read', 'file---read', '', 'x'.repeat(65), 42]) {
        expect(current().opOf(name as string)).toBeUndefined();
      }
    });

    it('refuses the tool name of an op breaking the rule with InvalidNameError', () => {
      for (const op of INVALID_OPS) {
        expect(thrownBy(() => current().toolName(op as string), 'INVALID_NAME').details.kind).toBe(KIND);
      }
    });
  });
}
