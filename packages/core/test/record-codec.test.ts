import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isOmegaError, type OmegaError } from '../src/errors.js';
import {
  cloneRecord,
  corruptRecord,
  decodeRecord,
  encodeRecord,
  issuePath,
  parseRecord,
} from '../src/record-codec.js';
import { emptyState, ShapeParts, StateSchema } from '../src/records.js';
import { encode } from '../src/serde.js';

function caught(fn: () => unknown): OmegaError {
  try {
    fn();
  } catch (error) {
    if (isOmegaError(error)) return error;
    throw error;
  }
  throw new Error('expected an OmegaError');
}

const context = { kind: 'session', name: 'run-1' };

// A record shaped as a family builds one from the structure-only parts: a state and free-form values.
const RecordShape = z.object({ state: ShapeParts.state, meta: ShapeParts.valRecord.default({}) });

describe('record codec', () => {
  it('writes zod paths as serde writes value paths', () => {
    expect(issuePath(['state', 'store', 'a b', 0, 'x'])).toBe('$.state.store["a b"][0].x');
  });

  it('encodes a valid record and decodes it back exactly', () => {
    const data = { state: { ...emptyState(), store: { big: 2n ** 64n, when: new Date(5) } } };
    const { record, text } = encodeRecord(RecordShape, data, context);
    expect(record.meta).toEqual({});
    expect(text).toBe(encode(record));
    expect(decodeRecord(RecordShape, text, context)).toEqual(record);
  });

  it('reports a bad shape as InvalidArgumentError naming the record and the path', () => {
    const error = caught(() => encodeRecord(RecordShape, { state: { ...emptyState(), step: -1 } }, context));
    expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error.details).toMatchObject({ kind: 'session', name: 'run-1', path: '$.state.step' });
  });

  it('reports a value serde cannot store with its path, through the structure-only shape', () => {
    const data = { state: { ...emptyState(), store: { f: { g: () => 1 } } }, meta: {} };
    const error = caught(() => encodeRecord(RecordShape, data, context));
    expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error.details).toMatchObject({
      kind: 'session',
      name: 'run-1',
      path: '$.state.store.f.g',
      reason: 'a function',
    });
  });

  it('clones with validation and no shared objects', () => {
    const state = { ...emptyState(), store: { a: { list: [1, 2] } } };
    const copy = cloneRecord(ShapeParts.state, state, { kind: 'state' });
    expect(copy).toEqual(state);
    expect(copy.store.a).not.toBe(state.store.a);
    const error = caught(() =>
      cloneRecord(ShapeParts.state, { ...emptyState(), kont: [Symbol('s')] }, { kind: 'state' }),
    );
    expect(error.details).toEqual({ kind: 'state', path: '$.kont[0]', reason: 'a symbol' });
  });

  it('parseRecord with a checked schema finds bad values without serde', () => {
    const error = caught(() =>
      parseRecord(StateSchema, { ...emptyState(), control: new (class X {})() }, { kind: 'state' }),
    );
    expect(error.details).toMatchObject({ kind: 'state', path: '$.control' });
  });

  it.each([
    ['invalid JSON', '{"state":', '$'],
    ['a bad tag', '{"state":{"$t":"nope"}}', '$.state'],
    [
      'a wrong field type',
      encode({ state: { ...emptyState(), status: 'paused' }, meta: {} }),
      '$.state.status',
    ],
    ['a missing field', encode({ meta: {} }), '$.state'],
  ])('reports %s in stored text as CorruptDataError naming the file', (_label, text, path) => {
    const error = caught(() => decodeRecord(RecordShape, text, { ...context, file: '/x/run-1.jsonl' }));
    expect(isOmegaError(error, 'CORRUPT_DATA')).toBe(true);
    expect(error.details).toMatchObject({ kind: 'session', name: 'run-1', file: '/x/run-1.jsonl', path });
  });
});

describe('corruptRecord', () => {
  it('calls a record of the store stored, and one of another file by what that file is', () => {
    const stored = corruptRecord({ kind: 'snapshot', name: 's', file: '/r/s.jsonl' }, '$', 'bad');
    expect(stored.message).toMatch(/^stored snapshot "s" in \/r\/s\.jsonl is corrupt/);
    const imported = corruptRecord(
      { kind: 'snapshot', name: 's', file: '/tmp/x.snapshot', source: 'export file' },
      '$',
      'bad',
    );
    expect(imported.message).toMatch(/^snapshot "s" in export file \/tmp\/x\.snapshot is corrupt/);
    expect(imported.details).toMatchObject({ kind: 'snapshot', name: 's', file: '/tmp/x.snapshot' });
  });
});
