import { assertSameValue, type SuiteContext, thrownBy } from '@omega/core/testing';
import { expect, it } from 'vitest';
import { expertNamed, namesOf } from './conformance-fixtures.js';
import type { Expert, ExpertProvider } from './index.js';
import { KIND } from './rules.js';

/** Registration's own rules: every field kept, `replace`, validation naming the field, copies. */
export function describeRegistrationGroups<P extends ExpertProvider>({
  provider,
  group,
}: SuiteContext<P>): void {
  group('registration', () => {
    it('keeps every field of an expert, and get gives it back', () => {
      const full: Expert = expertNamed('full', {
        model: 'sonnet',
        tools: ['Read', 'Grep'],
        caps: ['fs.read'],
        tags: ['code', 'review'],
        domain: 'software',
        examples: [{ input: 'a diff', output: ['a finding'] }],
        temperature: 0.3,
        meta: { color: 'blue', priority: 2 },
      });
      provider().register(full);
      assertSameValue(provider().get('full'), full);
      expect(provider().get('missing')).toBeUndefined();
    });

    it('refuses a name registered already with AlreadyExistsError, keeping the first', () => {
      provider().register(expertNamed('dup'));
      for (const options of [undefined, {}, { replace: false }]) {
        const error = thrownBy(
          () => provider().register(expertNamed('dup', { description: 'second' }), options),
          'ALREADY_EXISTS',
        );
        expect(error.details).toMatchObject({ kind: KIND, name: 'dup' });
      }
      expect(provider().get('dup')?.description).toBe('The dup expert.');
    });

    it('replaces an expert with { replace: true }, and registers a new one with it too', () => {
      provider().register(expertNamed('r', { tags: ['old'] }));
      provider().register(expertNamed('r', { description: 'new' }), { replace: true });
      assertSameValue(provider().get('r'), expertNamed('r', { description: 'new' }));
      provider().register(expertNamed('fresh'), { replace: true });
      expect(namesOf(provider().list())).toStrictEqual(['fresh', 'r']);
    });

    it('unregister says whether there was an expert, and the name is free again', () => {
      provider().register(expertNamed('gone'));
      expect(provider().unregister('gone')).toBe(true);
      expect(provider().unregister('gone')).toBe(false);
      expect(provider().get('gone')).toBeUndefined();
      provider().register(expertNamed('gone', { description: 'again' }));
      expect(provider().get('gone')?.description).toBe('again');
    });
  });

  group('validation at register', () => {
    const bad: Array<[string, unknown, string]> = [
      ['no description', { name: 'x', instructions: 'i' }, '$.description'],
      [
        'instructions that are not a string',
        expertNamed('x', { instructions: 42 as never }),
        '$.instructions',
      ],
      ['an empty model', expertNamed('x', { model: '' }), '$.model'],
      ['tools that are not a list', expertNamed('x', { tools: 'Read' as never }), '$.tools'],
      ['a tool that is not a string', expertNamed('x', { tools: ['Read', 7 as never] }), '$.tools[1]'],
      ['an empty tag', expertNamed('x', { tags: [''] }), '$.tags[0]'],
      ['a cap that is not a string', expertNamed('x', { caps: [null as never] }), '$.caps[0]'],
      ['a temperature above 2', expertNamed('x', { temperature: 2.5 }), '$.temperature'],
      [
        'a temperature that is not a number',
        expertNamed('x', { temperature: 'hot' as never }),
        '$.temperature',
      ],
      ['examples that are not a list', expertNamed('x', { examples: {} as never }), '$.examples'],
      ['meta that is not an object', expertNamed('x', { meta: [1] as never }), '$.meta'],
      ['an unknown field', { ...expertNamed('x'), role: 'admin' }, '$.role'],
      ['no name', { description: 'd', instructions: 'i' }, '$.name'],
    ];
    for (const [label, expert, path] of bad) {
      it(`refuses ${label} with InvalidArgumentError naming ${path}, registering nothing`, () => {
        const error = thrownBy(() => provider().register(expert as Expert), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ kind: KIND, path });
        expect(provider().list()).toStrictEqual([]);
      });
    }

    it('refuses what is not an expert at all', () => {
      for (const expert of [null, undefined, 'planner', ['x']]) {
        thrownBy(() => provider().register(expert as never), 'INVALID_ARGUMENT');
      }
      expect(provider().list()).toStrictEqual([]);
    });

    it('refuses a name breaking the naming rule with InvalidNameError', () => {
      for (const name of ['', '.hidden', 'has space', 'a/b', 'x'.repeat(129)]) {
        const error = thrownBy(() => provider().register(expertNamed(name)), 'INVALID_NAME');
        expect(error.details).toMatchObject({ kind: KIND });
      }
      expect(provider().list()).toStrictEqual([]);
    });

    it('refuses options.replace that is not a boolean', () => {
      const error = thrownBy(
        () => provider().register(expertNamed('o'), { replace: 'yes' as never }),
        'INVALID_ARGUMENT',
      );
      expect(error.details.path).toBe('options.replace');
      expect(provider().get('o')).toBeUndefined();
    });
  });

  group('copies in and out', () => {
    it('what a caller registered, then changed, is not what the registry holds', () => {
      const expert = expertNamed('c', { tools: ['Read'], tags: ['t'] });
      provider().register(expert);
      expert.tools?.push('Write');
      expert.description = 'changed';
      assertSameValue(provider().get('c'), expertNamed('c', { tools: ['Read'], tags: ['t'] }));
    });

    it('what get, list and find give is the caller’s to change', () => {
      provider().register(expertNamed('c', { tools: ['Read'], tags: ['t'] }));
      const reads = [provider().get('c'), provider().list()[0], provider().find({ text: 'c' })[0]];
      for (const expert of reads) {
        if (expert === undefined) throw new Error('expected the expert');
        expert.tools?.push('Write');
        expert.tags?.splice(0);
        expert.description = 'changed';
      }
      assertSameValue(provider().get('c'), expertNamed('c', { tools: ['Read'], tags: ['t'] }));
    });
  });
}
