import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemLogicProvider } from '../src/filesystem.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run.
const now = () => 1_700_000_000_000;
const observe = async (provider: FilesystemLogicProvider) => ({
  facts: provider.getFacts(),
  rules: provider.getRules(),
  derived: provider.query('(path ?x ?y)'),
  signature: provider.signature(),
});
const next = async (provider: FilesystemLogicProvider) => provider.assertFact('(edge z y)');
const existing = async (provider: FilesystemLogicProvider) => {
  provider.assertFact('(edge a b)');
  provider.assertFact('Marie Curie was born in Poland');
  provider.addRule('(edge ?x ?y)', '(path ?x ?y)');
};

describeInjectedFaults(vitest, {
  kind: 'logic',
  open: (root) => new FilesystemLogicProvider({ root, now }),
  paths: {
    'the first fact, creating the log': { run: async (p) => p.assertFact('(edge a b)'), observe, next },
    'a fact': { prepare: existing, run: async (p) => p.assertFact('(edge b c)'), observe, next },
    'a rule': {
      prepare: existing,
      run: async (p) => p.addRule('(and (path ?x ?y) (edge ?y ?z))', '(path ?x ?z)'),
      observe,
      next,
    },
    'a retraction': { prepare: existing, run: async (p) => p.retract('(edge a b)'), observe, next },
    'a clear': { prepare: existing, run: async (p) => p.clear(), observe, next },
  },
});

// A change that finds its generation due for compaction moves the base first: three appends and a drop.
const churned = async (provider: FilesystemLogicProvider) => {
  provider.addRule('(edge ?x ?y)', '(path ?x ?y)');
  for (const fact of ['(edge a b)', '(edge b c)', '(edge c d)']) {
    provider.assertFact(fact);
    provider.retract(fact);
  }
};

describeInjectedFaults(vitest, {
  kind: 'logic',
  open: (root) => new FilesystemLogicProvider({ root, now, compactAfter: 4 }),
  paths: {
    'a fact that compacts the log first': {
      prepare: churned,
      run: async (p) => p.assertFact('(edge x y)'),
      observe,
      next,
    },
  },
});
