import { MemoryStore } from '@omega/core';
import { describeOptionChecks, thrownBy } from '@omega/core/testing';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { FilesystemLogicProvider } from '../src/filesystem.js';
import { LogicFront } from '../src/front.js';
import { MemoryLogicProvider } from '../src/memory.js';
import { MockLogicProvider } from '../src/mock.js';

describeOptionChecks(vitest, {
  kind: 'logic',
  clock: true,
  filesystem: (options) => new FilesystemLogicProvider(options),
  memory: (options) => new MemoryLogicProvider(options),
  mock: (options) => new MockLogicProvider(options),
});

describe('option name', () => {
  it('refuses a name breaking the name rule in every backend, naming the option', () => {
    const constructors = [
      (name: unknown) => new MemoryLogicProvider({ name: name as string }),
      (name: unknown) => new MockLogicProvider({ name: name as string }),
      (name: unknown) =>
        new FilesystemLogicProvider({ root: '/nonexistent/omega-logic', name: name as string }),
      (name: unknown) => new LogicFront(new MemoryStore(), { name: name as string }),
    ];
    for (const construct of constructors) {
      for (const bad of ['', '.hidden', 'a/b', 'x'.repeat(97), 'a..b', 42, null]) {
        const error = thrownBy(() => construct(bad), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ kind: 'logic', option: 'name' });
      }
    }
  });
});
