import { digestOf, sha256Hex, type Val } from '@omega/core';
import {
  assertSameValue,
  type ConformanceOptions,
  check,
  describeConformance,
  exoticValues,
  type LogRecords,
  mutateDeeply,
  type ProviderFixture,
  rejectionOf,
  unstorableValues,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import {
  type Evidence,
  type EvidenceInput,
  MAX_SUBJECT_LENGTH,
  type ProvenanceProvider,
  verifyQuote,
} from './index.js';
import { METHODS, sampleInput } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of it afterwards. */
export type ProvenanceProviderFixture<P extends ProvenanceProvider = ProvenanceProvider> = ProviderFixture<P>;

/** Options of {@link describeProvenanceProvider}: `reopen`, `timeoutMs`, `skip`. */
export type ProvenanceConformanceOptions<P extends ProvenanceProvider = ProvenanceProvider> =
  ConformanceOptions<P>;

/** The input of `evidence` as its id covers it: without `id` and `at`. */
function claimOf(evidence: Evidence): Omit<EvidenceInput, 'at'> {
  const { id, at, ...claim } = evidence;
  return claim;
}

// A log is a subject: the evidence about it, in the order recorded. Subjects are any non-empty string,
// checked by the family's own rules (group 'subjects'), not names.
const LOGS: LogRecords<ProvenanceProvider, Omit<EvidenceInput, 'subject'>> = {
  entry: (seed) => {
    const { subject, ...input } = sampleInput(seed);
    return { ...input, meta: { seed, at: new Date(seed) } };
  },
  append: async (provider, log, entry) => {
    await provider.record({ ...entry, subject: log });
  },
  entries: async (provider, log) =>
    (await provider.forSubject(log)).map(({ id, at, subject, ...entry }) => entry),
  keys: 'strings',
};

/** Evidence `seed` about `subject`, derived from `parents`. */
function derived(seed: number, parents: string[] = [], subject = 'graph'): EvidenceInput {
  return { subject, kind: 'derivation', derivedFrom: parents, meta: { seed } };
}

/** The id of an input: SHA-256 of its canonical form without `at`. */
function idOf(input: EvidenceInput): string {
  const { at, ...claim } = input;
  return digestOf(claim as Val);
}

/** Ids of `evidence`, for comparing orders. */
const ids = (evidence: readonly Evidence[]) => evidence.map((piece) => piece.id);

/** Subjects every backend keeps as they are, each read back by `forSubject`. */
const EDGE_SUBJECTS: ReadonlyArray<[string, string]> = [
  ['a URI', 'https://example.com/a/b?c=d&e=%2F#f'],
  ['a fact with spaces', 'fact:Marie Curie was born in Poland'],
  ['a path', '../x/./y\\z'],
  ['Unicode', 'Maria Skłodowska-Curie — née à Varsovie'],
  ['astral characters', '🧪 radium 𝔸 𠀀'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['one character', '.'],
  ['a NUL and a newline', 'a\u0000b\nc'],
  ['4096 UTF-16 code units', `${'x'.repeat(MAX_SUBJECT_LENGTH - 2)}😀`],
];

/** What is not a subject, and the reason given. */
const BAD_SUBJECTS: ReadonlyArray<[string, unknown]> = [
  ['the empty string', ''],
  ['a number', 42],
  ['null', null],
  ['an array', ['s']],
  ['4097 UTF-16 code units', `${'x'.repeat(MAX_SUBJECT_LENGTH - 1)}😀`],
];

/**
 * The `ProvenanceProvider` contract as a vitest suite. Call it at the top level of a test file; `factory`
 * must return a fresh, empty provider for every test (the suite closes it, then calls `cleanup`).
 *
 * @example
 * describeProvenanceProvider('memory', async () => ({ provider: new MemoryProvenanceProvider() }));
 */
export function describeProvenanceProvider<P extends ProvenanceProvider>(
  name: string,
  factory: () => Promise<ProvenanceProviderFixture<P>>,
  options: ProvenanceConformanceOptions<P> = {},
): void {
  const suite = { family: 'ProvenanceProvider', kind: KIND, methods: METHODS, logs: LOGS };
  describeConformance(vitest, suite, name, factory, options, ({ provider: current, group }) => {
    group('subjects', () => {
      it('keeps any non-empty string of up to 4096 UTF-16 code units as the subject, read back by forSubject', async () => {
        const recorded: Evidence[] = [];
        for (const [label, subject] of EDGE_SUBJECTS) {
          const evidence = await current().record({ ...sampleInput(), subject });
          expect(evidence.subject, label).toBe(subject);
          recorded.push(evidence);
        }
        for (const [i, [label, subject]] of EDGE_SUBJECTS.entries()) {
          const read = await current().forSubject(subject);
          expect(ids(read), label).toEqual([recorded[i]!.id]);
          expect(read[0]!.subject, label).toBe(subject);
          assertSameValue(await current().get(recorded[i]!.id), recorded[i], label);
        }
        expect(await current().count()).toBe(EDGE_SUBJECTS.length);
        // Subjects are compared exactly: another case is another subject, and keys of a plain object are none.
        assertSameValue(await current().forSubject('__PROTO__'), []);
        assertSameValue(await current().forSubject('toString'), []);
      });

      it('refuses a subject that is not a non-empty string of at most 4096 UTF-16 code units, storing nothing', async () => {
        for (const [label, subject] of BAD_SUBJECTS) {
          const error = await rejectionOf(
            () => current().record({ ...sampleInput(), subject } as EvidenceInput),
            'INVALID_ARGUMENT',
          );
          expect(error.details, label).toMatchObject({ kind: KIND, path: '$.subject' });
          expect(typeof error.details.reason, label).toBe('string');
          const read = await rejectionOf(() => current().forSubject(subject as string), 'INVALID_ARGUMENT');
          expect(read.details, label).toMatchObject({ kind: KIND, argument: 'subject' });
          expect(typeof read.details.reason, label).toBe('string');
        }
        const { subject, ...withoutSubject } = sampleInput();
        const missing = await rejectionOf(
          () => current().record(withoutSubject as EvidenceInput),
          'INVALID_ARGUMENT',
        );
        expect(missing.details).toMatchObject({ kind: KIND, path: '$.subject' });
        expect(await current().count()).toBe(0);
      });
    });

    group('evidence', () => {
      it('identifies evidence by the digest of its canonical input without at, and reads it back', async () => {
        const input = sampleInput(1);
        const evidence = await current().record(input);
        expect(evidence.id).toBe(idOf(input));
        expect(Number.isSafeInteger(evidence.at) && evidence.at >= 0).toBe(true);
        assertSameValue(claimOf(evidence), input);
        assertSameValue(await current().get(evidence.id), evidence);
        const dated = await current().record({ ...sampleInput(2), at: 1_234 });
        expect(dated).toMatchObject({ id: idOf(sampleInput(2)), at: 1_234 });
        expect(await current().count()).toBe(2);
      });

      it('returns the stored evidence for the same input again, whatever its at', async () => {
        const first = await current().record({ ...sampleInput(1), at: 10 });
        const again = await current().record({ ...sampleInput(1), at: 20 });
        assertSameValue(again, first);
        const { agent, ...rest } = sampleInput(1);
        const withoutAgent = await current().record(rest);
        // An optional field given as undefined is not given.
        assertSameValue(await current().record({ ...rest, agent: undefined }), withoutAgent);
        expect(await current().count()).toBe(2);
      });

      it('gives the same claim by another run or agent an id of its own', async () => {
        const input = sampleInput(1);
        const inputs = [
          input,
          { ...input, generatedBy: { runId: 'run-2', step: 1 } },
          { ...input, agent: 'another-model' },
          { ...input, derivedFrom: [] },
        ];
        const recorded = [];
        for (const each of inputs) recorded.push(await current().record(each));
        expect(new Set(ids(recorded)).size).toBe(inputs.length);
        expect(await current().count()).toBe(inputs.length);
      });

      it('gives concurrent records of one input one evidence', async () => {
        const recorded = await Promise.all(
          Array.from({ length: 12 }, () => current().record(sampleInput(3))),
        );
        for (const evidence of recorded) assertSameValue(evidence, recorded[0]);
        expect(await current().count()).toBe(1);
        // Of a stored input too, each caller gets a copy of its own.
        const again = await Promise.all([1, 2, 3].map(() => current().record(sampleInput(3))));
        mutateDeeply(again[0]);
        for (const evidence of again.slice(1)) assertSameValue(evidence, recorded[0]);
      });

      it('reads null for an id nothing has', async () => {
        await current().record(sampleInput(1));
        expect(await current().get('f'.repeat(64))).toBeNull();
        expect(await current().get('not an id')).toBeNull();
        assertSameValue(await current().forSubject('nothing-here'), []);
      });

      it('refuses to derive from evidence not recorded, with NotFoundError, storing nothing', async () => {
        const parent = await current().record(derived(1));
        const missing = 'a'.repeat(64);
        const error = await rejectionOf(current().record(derived(2, [parent.id, missing])), 'NOT_FOUND');
        expect(error.details).toMatchObject({ kind: KIND, id: missing, path: '$.derivedFrom[1]' });
        expect(await current().count()).toBe(1);
      });

      it('derives from evidence recorded just before, before that record resolved', async () => {
        const parent = derived(1);
        const [first, second] = await Promise.all([
          current().record(parent),
          current().record(derived(2, [idOf(parent)])),
        ]);
        expect(second?.derivedFrom).toEqual([first?.id]);
        assertSameValue(await current().lineage(second!.id), [first]);
      });

      const shapes: Array<[string, unknown, string]> = [
        ['no input', null, '$'],
        ['an input without kind', { subject: 's' }, 'kind'],
        ['an unknown field', { ...sampleInput(), extra: 1 }, '$'],
        ['a confidence above 1', { ...sampleInput(), confidence: 1.5 }, 'confidence'],
        ['a negative at', { ...sampleInput(), at: -1 }, 'at'],
        ['a range ending before it starts', { ...sampleInput(), source: { range: [5, 2] } }, 'range'],
        [
          'a range not spanning its quote',
          { ...sampleInput(), source: { quote: 'a😀b', range: [0, 4] } },
          'range',
        ],
        [
          'a digest that is not SHA-256 hex',
          { ...sampleInput(), source: { digest: { sha256: 'x' } } },
          'digest',
        ],
        ['an unknown source field', { ...sampleInput(), source: { page: 1 } }, 'source'],
        ['derivedFrom naming a non-id', { ...sampleInput(), derivedFrom: ['nope'] }, 'derivedFrom'],
        [
          'derivedFrom naming one id twice',
          { ...sampleInput(), derivedFrom: ['a'.repeat(64), 'a'.repeat(64)] },
          'derivedFrom',
        ],
        ['an own __proto__ key', JSON.parse('{"__proto__":{"kind":"x"},"subject":"s","kind":"k"}'), '$'],
        ['a runId breaking the name rule', { ...sampleInput(), generatedBy: { runId: 'a/b' } }, 'runId'],
      ];
      for (const [label, input, path] of shapes) {
        it(`refuses ${label} with InvalidArgumentError naming the path, storing nothing`, async () => {
          const error = await rejectionOf(() => current().record(input as EvidenceInput), 'INVALID_ARGUMENT');
          expect(error.details).toMatchObject({ kind: KIND });
          expect(String(error.details.path)).toContain(path);
          expect(await current().count()).toBe(0);
        });
      }

      it('keeps every kind of value in meta exactly', async () => {
        for (const [label, value] of Object.entries(exoticValues())) {
          const evidence = await current().record({
            ...sampleInput(),
            subject: 'values',
            meta: { label, value },
          });
          assertSameValue(evidence.meta, { label, value }, label);
          assertSameValue((await current().get(evidence.id))?.meta, { label, value }, label);
        }
        const read = await current().forSubject('values');
        expect(read).toHaveLength(Object.keys(exoticValues()).length);
      });

      it('refuses values that cannot be stored, storing nothing', async () => {
        for (const { label, value } of unstorableValues()) {
          const error = await rejectionOf(
            () => current().record({ ...sampleInput(), meta: { nested: [value] } as never }),
            'INVALID_ARGUMENT',
          );
          check(String(error.details.path).includes('meta'), `${label}: path ${String(error.details.path)}`);
        }
        expect(await current().count()).toBe(0);
      });

      it('shares no object with the caller: mutating the input or what was read changes nothing stored', async () => {
        const input = { ...sampleInput(1), meta: { list: [1, { deep: 'x' }], map: new Map([['k', [1]]]) } };
        const expected = structuredClone(input);
        const evidence = await current().record(input);
        mutateDeeply(input);
        mutateDeeply(evidence);
        const read = await current().get(idOf(expected));
        assertSameValue(claimOf(read!), expected);
        mutateDeeply(read);
        assertSameValue(claimOf((await current().forSubject(expected.subject))[0]!), expected);
      });
    });

    group('lineage and dependents', () => {
      /** a <- b, a <- c, [b, c] <- d, d <- e: ids by letter. */
      async function diamond(): Promise<Record<'a' | 'b' | 'c' | 'd' | 'e', string>> {
        const a = (await current().record(derived(1))).id;
        const b = (await current().record(derived(2, [a]))).id;
        const c = (await current().record(derived(3, [a]))).id;
        const d = (await current().record(derived(4, [b, c]))).id;
        const e = (await current().record(derived(5, [d]))).id;
        return { a, b, c, d, e };
      }

      it('lists ancestors each once, nearest first, to a depth', async () => {
        const { a, b, c, d, e } = await diamond();
        expect(ids(await current().lineage(e))).toEqual([d, b, c, a]);
        expect(ids(await current().lineage(e, { depth: 1 }))).toEqual([d]);
        expect(ids(await current().lineage(e, { depth: 2 }))).toEqual([d, b, c]);
        expect(ids(await current().lineage(d))).toEqual([b, c, a]);
        expect(await current().lineage(a)).toEqual([]);
        assertSameValue((await current().lineage(b))[0], await current().get(a));
      });

      it('lists descendants each once, nearest first, to a depth', async () => {
        const { a, b, c, d, e } = await diamond();
        expect(ids(await current().dependents(a))).toEqual([b, c, d, e]);
        expect(ids(await current().dependents(a, { depth: 1 }))).toEqual([b, c]);
        expect(ids(await current().dependents(c))).toEqual([d, e]);
        expect(await current().dependents(e)).toEqual([]);
      });

      it('refuses an id nothing has with NotFoundError, and a depth that is not a positive integer', async () => {
        const { a } = await diamond();
        for (const method of ['lineage', 'dependents'] as const) {
          const error = await rejectionOf(current()[method]('b'.repeat(64)), 'NOT_FOUND');
          expect(error.details).toMatchObject({ kind: KIND, id: 'b'.repeat(64) });
          for (const depth of [0, -1, 1.5, Number.NaN, '2']) {
            await rejectionOf(current()[method](a, { depth: depth as number }), 'INVALID_ARGUMENT');
          }
        }
      });

      it('walks a chain 10,000 deep without running out of stack', async () => {
        const DEPTH = 10_000;
        const inputs: EvidenceInput[] = [derived(0, [], 'chain')];
        for (let i = 1; i < DEPTH; i++) inputs.push(derived(i, [idOf(inputs[i - 1]!)], 'chain'));
        // One burst: each record derives from the one made just before it.
        const chain = await Promise.all(inputs.map((input) => current().record(input)));
        const root = chain[0]!;
        const tip = chain[DEPTH - 1]!;
        const ancestors = await current().lineage(tip.id);
        expect(ancestors).toHaveLength(DEPTH - 1);
        expect(ids(ancestors)).toEqual(ids(chain.slice(0, -1).reverse()));
        const descendants = await current().dependents(root.id);
        expect(ids(descendants)).toEqual(ids(chain.slice(1)));
        expect(ids(await current().lineage(tip.id, { depth: 3 }))).toEqual(
          ids(chain.slice(-4, -1).reverse()),
        );
      }, 60_000);
    });

    group('quotes', () => {
      it('keeps a quote selector that verifies against its source text, astral characters counted once', async () => {
        const text = 'Alpha 😀 beta: the quoted claim, then more.';
        const quote = 'the quoted claim';
        const start = [...text.slice(0, text.indexOf(quote))].length;
        const evidence = await current().record({
          subject: 'quoted',
          kind: 'quote',
          source: {
            uri: 'file:alpha.txt',
            digest: { sha256: sha256Hex(text) },
            range: [start, start + [...quote].length],
            prefix: 'beta: ',
            quote,
            suffix: ', then',
          },
        });
        expect(verifyQuote((await current().get(evidence.id))!, text)).toEqual({
          ok: true,
          anchor: [start, start + quote.length],
          drifted: false,
        });
        expect(verifyQuote(evidence, `${text}!`)).toMatchObject({ ok: false, failed: 'digest' });
      });
    });
  });
}
