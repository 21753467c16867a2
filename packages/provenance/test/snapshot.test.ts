import { sha256Hex } from '@omega/core';
import { mulberry32 } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { EvidenceIndex } from '../src/evidence-index.js';
import { indexOfSnapshot, snapshotOf } from '../src/snapshot.js';

/** A seeded random derivation graph of `size` entries over a few subjects: each derives from up to 3 earlier ones. */
function randomIndex(seed: number, size: number): EvidenceIndex {
  const random = mulberry32(seed);
  const index = new EvidenceIndex();
  for (let position = 0; position < size; position++) {
    const parents = new Set<string>();
    const count = position === 0 ? 0 : Math.floor(random() * 4);
    for (let k = 0; k < count; k++) parents.add(index.ids[Math.floor(random() * position)] as string);
    const reason = index.add(sha256Hex(`${seed}/${position}`), `subject-${Math.floor(random() * 7)}`, [
      ...parents,
    ]);
    expect(reason).toBeNull();
  }
  return index;
}

/** Everything an index answers, for comparing two. */
function answers(index: EvidenceIndex) {
  return {
    ids: index.ids,
    subjects: index.subjects.map((subject) => [subject, index.positionsOf(subject)]),
    parents: index.parents,
    lineage: index.ids.map((_, position) => index.reach(position, 'parents', Number.POSITIVE_INFINITY)),
    dependents: index.ids.map((_, position) => index.reach(position, 'children', 2)),
  };
}

/** A snapshot of `index` with its body edited by `edit`, the digest made to match again. */
function edited(index: EvidenceIndex, edit: (body: Record<string, unknown>) => void) {
  const { header, body } = snapshotOf(index);
  const parsed = JSON.parse(body) as Record<string, unknown>;
  edit(parsed);
  const text = JSON.stringify(parsed);
  return { header: { ...header, digest: sha256Hex(text) }, body: text };
}

describe('the index snapshot', () => {
  it('gives back an index answering every question as the one snapshotted', () => {
    for (const [seed, size] of [
      [1, 0],
      [2, 1],
      [3, 300],
    ] as const) {
      const index = randomIndex(seed, size);
      const { header, body } = snapshotOf(index);
      expect(header.covers).toBe(size);
      const read = indexOfSnapshot(header, body);
      expect(read).toBeInstanceOf(EvidenceIndex);
      expect(answers(read as EvidenceIndex)).toEqual(answers(index));
    }
  });

  it('refuses a body that does not match its digest, wherever it was changed', () => {
    const index = randomIndex(4, 50);
    const { header, body } = snapshotOf(index);
    const random = mulberry32(19_400);
    for (let round = 0; round < 50; round++) {
      const at = Math.floor(random() * body.length);
      const changed = `${body.slice(0, at)}${body[at] === '1' ? '2' : '1'}${body.slice(at + 1)}`;
      expect(indexOfSnapshot(header, changed)).toBe('its body does not match its digest');
    }
  });

  it('refuses a snapshot whose parts break the rules, even with a digest that matches', () => {
    const index = randomIndex(5, 20);
    const cases: Array<[string, (body: Record<string, unknown>) => void, string]> = [
      ['ids cut short', (body) => (body.ids = (body.ids as string).slice(64)), 'ids'],
      ['an id not in hex', (body) => (body.ids = `Z${(body.ids as string).slice(1)}`), 'ids'],
      ['an empty subject', (body) => ((body.subjects as string[])[0] = ''), 'subjects'],
      ['a subject that is not a string', (body) => ((body.subjects as unknown[])[0] = 7), 'subjects'],
      ['a subject too long', (body) => ((body.subjects as string[])[0] = 'x'.repeat(4097)), 'subjects'],
      [
        'a subject twice',
        (body) => (body.subjects as string[]).push((body.subjects as string[])[0] as string),
        'twice',
      ],
      ['a subject number out of range', (body) => ((body.subjectOf as number[])[3] = 99), 'entry 3'],
      ['parents cut short', (body) => (body.parents = (body.parents as number[]).slice(0, -2)), 'parents'],
      ['parents left over', (body) => (body.parents as number[]).push(0), 'parents run past'],
      [
        'a parent after its child',
        (body) => (body.parents = (body.parents as number[]).map((value, i) => (i === 0 ? 1 : value))),
        'entry 0',
      ],
      ['not an object', (body) => (body.subjectOf = 'none'), 'entries'],
    ];
    for (const [label, edit, reason] of cases) {
      const { header, body } = edited(index, edit);
      const read = indexOfSnapshot(header, body);
      expect(typeof read, label).toBe('string');
      expect(read, label).toContain(reason);
    }
    const { header, body } = snapshotOf(index);
    expect(indexOfSnapshot({ ...header, last: index.ids[0] }, body)).toContain('first and last');
    expect(indexOfSnapshot({ ...header, covers: 19 }, body)).toContain('ids');
  });
});
