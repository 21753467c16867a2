import { type SuiteContext, thrownBy } from '@omega/core/testing';
import { expect, it } from 'vitest';
import { expertNamed, namesOf } from './conformance-fixtures.js';
import type { ExpertProvider } from './index.js';
import { KIND } from './rules.js';

/** `find`: tags filter, text ranks by relevance over name, description, tags and domain, ties by name. */
export function describeFindGroup<P extends ExpertProvider>({ provider, group }: SuiteContext<P>): void {
  const registerTeam = () => {
    const p = provider();
    p.register(
      expertNamed('security-auditor', {
        description: 'Finds vulnerabilities in authentication code.',
        tags: ['security', 'review'],
        domain: 'security',
      }),
    );
    p.register(
      expertNamed('code-reviewer', {
        description: 'Reviews code for bugs; checks security basics too.',
        tags: ['review', 'code'],
        domain: 'software',
      }),
    );
    p.register(
      expertNamed('writer', { description: 'Writes release notes.', tags: ['docs'], domain: 'writing' }),
    );
    p.register(expertNamed('tester', { description: 'Writes tests for code.', tags: ['code', 'tests'] }));
  };

  group('find', () => {
    it('ranks by relevance: a word in the name, tags and domain outranks one in a description', () => {
      registerTeam();
      expect(namesOf(provider().find({ text: 'security' }))).toStrictEqual([
        'security-auditor',
        'code-reviewer',
      ]);
      expect(namesOf(provider().find({ text: 'release notes' }))).toStrictEqual(['writer']);
    });

    it('matches words whatever their case, punctuation and ending, leaving out experts matching none', () => {
      registerTeam();
      expect(namesOf(provider().find({ text: 'AUTHENTICATION!' }))).toStrictEqual(['security-auditor']);
      expect(namesOf(provider().find({ text: 'Reviewers' }))).toStrictEqual([
        'code-reviewer',
        'security-auditor',
      ]);
      expect(namesOf(provider().find({ text: 'the writing of notes' }))).toStrictEqual(['writer']);
      expect(provider().find({ text: 'astronomy' })).toStrictEqual([]);
    });

    it('without text (or with no words), gives every expert by name', () => {
      registerTeam();
      const all = ['code-reviewer', 'security-auditor', 'tester', 'writer'];
      expect(namesOf(provider().find({}))).toStrictEqual(all);
      expect(namesOf(provider().find({ text: ' ,; ' }))).toStrictEqual(all);
    });

    it('keeps only experts carrying every tag asked for', () => {
      registerTeam();
      expect(namesOf(provider().find({ tags: ['review'] }))).toStrictEqual([
        'code-reviewer',
        'security-auditor',
      ]);
      expect(namesOf(provider().find({ tags: ['review', 'code'] }))).toStrictEqual(['code-reviewer']);
      expect(namesOf(provider().find({ text: 'code', tags: ['tests'] }))).toStrictEqual(['tester']);
      expect(provider().find({ tags: ['review', 'docs'] })).toStrictEqual([]);
    });

    it('breaks ties by name, whatever the order of registration', () => {
      for (const name of ['gamma', 'alpha', 'beta']) {
        provider().register(expertNamed(name, { description: 'Same words.', tags: ['same'] }));
      }
      expect(namesOf(provider().find({ text: 'same words' }))).toStrictEqual(['alpha', 'beta', 'gamma']);
    });

    it('sees registrations, replacements and removals made since the last find', () => {
      registerTeam();
      expect(namesOf(provider().find({ text: 'release' }))).toStrictEqual(['writer']);
      provider().register(expertNamed('writer', { description: 'Writes poems.' }), { replace: true });
      provider().register(expertNamed('releaser', { description: 'Cuts a release.' }));
      expect(namesOf(provider().find({ text: 'release' }))).toStrictEqual(['releaser']);
      provider().unregister('releaser');
      expect(provider().find({ text: 'release' })).toStrictEqual([]);
    });

    it('refuses a query that is not one, naming the part', () => {
      const cases: Array<[unknown, string]> = [
        [null, 'query'],
        ['text', 'query'],
        [{ text: 42 }, 'query.text'],
        [{ tags: 'code' }, 'query.tags'],
        [{ tags: ['code', 1] }, 'query.tags'],
      ];
      for (const [query, path] of cases) {
        const error = thrownBy(() => provider().find(query as never), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ kind: KIND, path });
      }
    });
  });
}
