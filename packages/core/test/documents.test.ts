import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import {
  checkDocumentSpec,
  type DocumentBackend,
  type DocumentWriteOptions,
  documentExists,
} from '../src/documents.js';
import { isOmegaError } from '../src/errors.js';
import { DocumentFront, type FrontOptions } from '../src/front.js';
import { MemoryDocumentBackend } from '../src/memory-documents.js';
import { MemoryStore } from '../src/memory-store.js';
import { type PageOptions, pageOf } from '../src/pages.js';
import {
  DOCUMENT_CONTRACT_SPEC as CONTRACT_SPEC,
  describeDocumentBackend,
  thrownBy,
} from '../src/testing.js';
import { recorder } from './recorder.js';

describeDocumentBackend(vitest, 'MemoryDocumentBackend', async () => ({
  port: new MemoryDocumentBackend(CONTRACT_SPEC),
}));

describe('MemoryDocumentBackend', () => {
  it('is prevalidated: everything in it was written by this process', () => {
    expect(new MemoryDocumentBackend(CONTRACT_SPEC).prevalidated).toBe(true);
  });

  it('reports no file for what it stores', async () => {
    const backend = new MemoryDocumentBackend(CONTRACT_SPEC);
    await backend.write('a', { updatedAt: 1 }, '1');
    expect(await backend.read('a')).not.toHaveProperty('file');
    expect(await backend.readHeader('a')).not.toHaveProperty('file');
  });

  it('keeps its documents in the map it is given, which outlives it', async () => {
    const documents = new Map();
    const backend = new MemoryDocumentBackend(CONTRACT_SPEC, documents);
    await backend.write('a', { updatedAt: 1 }, '1');
    await backend.close();
    expect([...documents.keys()]).toEqual(['a']);
    expect(await new MemoryDocumentBackend(CONTRACT_SPEC, documents).names()).toEqual(['a']);
  });

  it('is constructed only from a valid spec', () => {
    for (const formatVersion of [0, 1.5]) {
      thrownBy(() => new MemoryDocumentBackend({ ...CONTRACT_SPEC, formatVersion }), 'INVALID_ARGUMENT');
    }
    for (const folder of ['../up', '']) {
      thrownBy(() => new MemoryDocumentBackend({ ...CONTRACT_SPEC, folder }), 'INVALID_NAME');
    }
  });
});

describe('checkDocumentSpec', () => {
  it('accepts a valid spec', () => {
    expect(() => checkDocumentSpec(CONTRACT_SPEC)).not.toThrow();
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53])('rejects version %s, naming the spec', (formatVersion) => {
    const error = thrownBy(() => checkDocumentSpec({ ...CONTRACT_SPEC, formatVersion }), 'INVALID_ARGUMENT');
    expect(error.details).toEqual({ kind: 'doc', folder: CONTRACT_SPEC.folder, formatVersion });
  });

  it.each(['', '..', '.hidden', 'a/b'])('rejects folder %j as an InvalidNameError', (folder) => {
    const error = thrownBy(() => checkDocumentSpec({ ...CONTRACT_SPEC, folder }), 'INVALID_NAME');
    expect(error.details).toMatchObject({ kind: 'folder', name: folder });
  });
});

describe('documentExists', () => {
  it('names the kind, the name and the file when there is one', () => {
    const error = documentExists('doc', 'a', '/x/a.jsonl');
    expect(error.code).toBe('ALREADY_EXISTS');
    expect(error.message).toBe('doc "a" already exists');
    expect(error.details).toEqual({ kind: 'doc', name: 'a', file: '/x/a.jsonl' });
    expect(documentExists('doc', 'a').details).toEqual({ kind: 'doc', name: 'a' });
  });
});

describe('DocumentFront', () => {
  class Front extends DocumentFront<{ updatedAt: number }> {
    constructor(options?: FrontOptions) {
      super(CONTRACT_SPEC, new MemoryStore(), options, { provider: 'TestFront', ownsStore: true });
    }
    stamp(name: string): number {
      return this.timestamp(name);
    }
  }

  it('refuses a now that is not a function, or options that are not an object, at construction', () => {
    for (const now of [42, 'Date.now', null, {}]) {
      const error = thrownBy(() => new Front({ now } as unknown as FrontOptions), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ provider: 'TestFront', kind: 'doc', option: 'now' });
      expect(error.details.value).toBe(now);
    }
    for (const options of [null, 7, 'options']) {
      const error = thrownBy(() => new Front(options as unknown as FrontOptions), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ provider: 'TestFront', kind: 'doc' });
    }
  });

  it('accepts no options, an empty object, or a clock function', () => {
    expect(new Front().stamp('a')).toBeTypeOf('number');
    expect(new Front({}).stamp('a')).toBeTypeOf('number');
    expect(new Front({ now: () => 7 }).stamp('a')).toBe(7);
    expect(new Front({ now: undefined }).stamp('a')).toBeTypeOf('number');
  });
});

/** Lists its documents in insertion order, not sorted. */
class UnsortedDocuments extends MemoryDocumentBackend<{ updatedAt: number }> {
  readonly #order: string[] = [];
  override async write(
    name: string,
    header: { updatedAt: number },
    body: string,
    options?: DocumentWriteOptions,
  ): Promise<void> {
    if (!this.#order.includes(name)) this.#order.push(name);
    return super.write(name, header, body, options);
  }
  override async names(options?: PageOptions): Promise<string[]> {
    const stored = new Set(await super.names({ limit: Number.POSITIVE_INFINITY }));
    return pageOf(
      this.#order.filter((name) => stored.has(name)),
      options,
      'doc',
    );
  }
}

/** Creates by checking first and writing after an await: two racing creators both win. */
class RacyCreate extends MemoryDocumentBackend<{ updatedAt: number }> {
  override async create(
    name: string,
    header: { updatedAt: number },
    body: string,
    options?: DocumentWriteOptions,
  ): Promise<void> {
    if ((await this.readHeader(name)) !== null) throw documentExists('doc', name);
    await Promise.resolve();
    await this.write(name, header, body, options);
  }
}

describe('describeDocumentBackend', () => {
  async function failures(open: () => DocumentBackend<{ updatedAt: number }>): Promise<string[]> {
    const recording = recorder();
    describeDocumentBackend(recording.framework, 'under test', async () => ({ port: open() }));
    expect(recording.tests.size).toBeGreaterThan(15);
    const failed = await recording.errors();
    for (const error of failed.values()) expect(isOmegaError(error)).toBe(false);
    return [...failed.keys()];
  }

  it('passes the memory port', async () => {
    expect(await failures(() => new MemoryDocumentBackend(CONTRACT_SPEC))).toStrictEqual([]);
  });

  it('fails a port whose listing is not sorted', async () => {
    expect(await failures(() => new UnsortedDocuments(CONTRACT_SPEC))).toContain(
      'names and headers list every document, sorted by UTF-16 code unit',
    );
  });

  it('fails a port whose create loses the race of concurrent creators', async () => {
    expect(await failures(() => new RacyCreate(CONTRACT_SPEC))).toStrictEqual([
      'of concurrent creators of one name exactly one wins',
    ]);
  });
});
