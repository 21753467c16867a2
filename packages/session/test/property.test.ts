import { CheckedParts, encode } from '@omega/core';
import { arbitraryOf, tempDir } from '@omega/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FilesystemSessionProvider } from '../src/filesystem.js';
import type { SessionProvider } from '../src/index.js';
import { SessionDataSchema } from '../src/index.js';
import { MemorySessionProvider } from '../src/memory.js';
import { MockSessionProvider } from '../src/mock.js';

const RUNS = { seed: 42, numRuns: 50 };
// From the family's own schema. Its custom parts are those of the built core it imports, which the kit
// (reading core's source) knows only when given them.
const sessions = arbitraryOf(SessionDataSchema, { parts: [CheckedParts] });

it('generates only sessions the schema takes', () => {
  fc.assert(
    fc.property(sessions, (data) => {
      expect(SessionDataSchema.safeParse(data).error).toBeUndefined();
    }),
    RUNS,
  );
});

const backends: Array<[string, () => Promise<{ provider: SessionProvider; cleanup: () => Promise<void> }>]> =
  [
    ['memory', async () => ({ provider: new MemorySessionProvider(), cleanup: async () => {} })],
    ['mock', async () => ({ provider: new MockSessionProvider(), cleanup: async () => {} })],
    [
      'filesystem',
      async () => {
        const { dir, remove } = await tempDir('omega-session-');
        // Not durable: this property is about the encoding, and fsyncs would only slow the runs down.
        const provider = new FilesystemSessionProvider({ root: dir, durable: false });
        return { provider, cleanup: remove };
      },
    ],
  ];

describe('save/load round trip of arbitrary sessions', () => {
  for (const [name, open] of backends) {
    it(`gives back exactly what was saved (${name})`, async () => {
      const { provider, cleanup } = await open();
      try {
        await fc.assert(
          fc.asyncProperty(sessions, async (data) => {
            const expected = SessionDataSchema.parse(data);
            await provider.save('prop', data);
            const loaded = await provider.load('prop');
            expect(loaded).toStrictEqual(expected);
            expect(encode(loaded!)).toBe(encode(expected));
            expect((await provider.info('prop'))?.size).toBe(Buffer.byteLength(encode(expected)));
          }),
          RUNS,
        );
      } finally {
        await provider.close();
        await cleanup();
      }
    });
  }
});
