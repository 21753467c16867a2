import { describe, expect, it } from 'vitest';
import { describeExpertProvider } from '../src/conformance.js';
import { ExpertSchema } from '../src/index.js';
import { BUILT_IN_EXPERTS, DefaultExpertProvider } from '../src/memory.js';

describeExpertProvider('memory', async () => ({ provider: new DefaultExpertProvider({ builtins: false }) }));

const ROLES = ['coder', 'critic', 'planner', 'researcher', 'reviewer', 'summariser'];

describe('DefaultExpertProvider: the built-in roles', () => {
  it('starts with the six documented roles, each a valid expert with instructions', async () => {
    await using provider = new DefaultExpertProvider();
    expect(provider.list().map((expert) => expert.name)).toStrictEqual(ROLES);
    for (const expert of provider.list()) {
      expect(ExpertSchema.parse(expert)).toStrictEqual(expert);
      expect(expert.instructions.length).toBeGreaterThan(100);
    }
    expect(BUILT_IN_EXPERTS.map((expert) => expert.name).sort()).toStrictEqual(ROLES);
  });

  it('finds a role by what it does', async () => {
    await using provider = new DefaultExpertProvider();
    expect(provider.find({ text: 'review code for bugs' })[0]?.name).toBe('reviewer');
    expect(provider.find({ text: 'plan the steps' })[0]?.name).toBe('planner');
    expect(provider.find({ text: 'summary' })[0]?.name).toBe('summariser');
  });

  it('accepts more roles, and replaces or removes a built-in one like any other', async () => {
    await using provider = new DefaultExpertProvider();
    provider.register({ name: 'translator', description: 'Translates text.', instructions: 'Translate.' });
    expect(() =>
      provider.register({ name: 'coder', description: 'Mine.', instructions: 'Code.' }),
    ).toThrowError(expect.objectContaining({ code: 'ALREADY_EXISTS' }));
    provider.register({ name: 'coder', description: 'Mine.', instructions: 'Code.' }, { replace: true });
    expect(provider.get('coder')?.description).toBe('Mine.');
    expect(provider.unregister('critic')).toBe(true);
    expect(provider.list().map((expert) => expert.name)).toStrictEqual([
      'coder',
      'planner',
      'researcher',
      'reviewer',
      'summariser',
      'translator',
    ]);
  });

  it('keeps the built-in list itself out of reach of a registry’s changes', async () => {
    await using provider = new DefaultExpertProvider();
    const coder = provider.get('coder');
    coder?.tags?.push('changed');
    for (const builtIn of BUILT_IN_EXPERTS) expect(Object.isFrozen(builtIn.tags)).toBe(true);
    expect(BUILT_IN_EXPERTS.find((expert) => expert.name === 'coder')?.tags).not.toContain('changed');
    expect(new DefaultExpertProvider().get('coder')?.tags).not.toContain('changed');
  });
});
