import { encode, type SessionData, SessionDataSchema, type Val } from '@omega/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FilesystemSessionProvider } from '../src/filesystem.js';
import type { SessionProvider } from '../src/index.js';
import { MemorySessionProvider } from '../src/memory.js';
import { MockSessionProvider } from '../src/mock.js';
import { tempDir } from './helpers.js';

// '__proto__' as an own key is left out: building it by assignment would set the prototype instead.
const key = fc.string({ unit: 'binary', maxLength: 6 }).filter((k) => k !== '__proto__');

const leaf: fc.Arbitrary<Val> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.bigInt(),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.date({ noInvalidDate: true }),
  fc.uint8Array({ maxLength: 8 }),
  fc.constant<Val>({ $t: 'map', v: [] }),
);

const { val } = fc.letrec<{
  val: Val;
  array: Val[];
  object: Record<string, Val>;
  map: Map<Val, Val>;
  set: Set<Val>;
}>((tie) => ({
  val: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object'), tie('map'), tie('set')),
  array: fc.array(tie('val'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('val'), { maxKeys: 4, noNullPrototype: true }),
  map: fc.array(fc.tuple(tie('val'), tie('val')), { maxLength: 3 }).map((entries) => new Map(entries)),
  set: fc.array(tie('val'), { maxLength: 3 }).map((items) => new Set(items)),
}));

const sessionData: fc.Arbitrary<SessionData> = fc.record(
  {
    state: fc.record(
      {
        control: val,
        env: fc.dictionary(key, fc.string({ maxLength: 8 }), { maxKeys: 3, noNullPrototype: true }),
        store: fc.dictionary(key, val, { maxKeys: 4, noNullPrototype: true }),
        kont: fc.array(val, { maxLength: 3 }),
        step: fc.nat(),
        status: fc.constantFrom('running' as const, 'halted' as const, 'error' as const),
      },
      { noNullPrototype: true },
    ),
    meta: fc.dictionary(key, val, { maxKeys: 4, noNullPrototype: true }),
  },
  { noNullPrototype: true },
);

const backends: Array<[string, () => Promise<{ provider: SessionProvider; cleanup: () => Promise<void> }>]> =
  [
    ['memory', async () => ({ provider: new MemorySessionProvider(), cleanup: async () => {} })],
    ['mock', async () => ({ provider: new MockSessionProvider(), cleanup: async () => {} })],
    [
      'filesystem',
      async () => {
        const { dir, remove } = await tempDir();
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
          fc.asyncProperty(sessionData, async (data) => {
            const expected = SessionDataSchema.parse(data);
            await provider.save('prop', data);
            const loaded = await provider.load('prop');
            expect(loaded).toStrictEqual(expected);
            expect(encode(loaded!)).toBe(encode(expected));
            expect((await provider.info('prop'))?.size).toBe(Buffer.byteLength(encode(expected)));
          }),
          { seed: 42, numRuns: 50 },
        );
      } finally {
        await provider.close();
        await cleanup();
      }
    });
  }
});
