import {
  CorruptDataError,
  type DocumentBackend,
  decode,
  documentSpec,
  encode,
  type Store,
  sha256Hex,
  z,
} from '@omega/core';
import { type EffectResult, EffectResultSchema } from '@omega/effects';

const HeaderSchema = z.object({ key: z.string().min(1) });
type Header = z.infer<typeof HeaderSchema>;

/** The effect journal: one document per dispatch key, `effect-journal/e-<SHA-256 of the key>`. */
export const JOURNAL = documentSpec({
  kind: 'effect-record',
  folder: 'effect-journal',
  header: HeaderSchema,
});

const RecordSchema = z.object({ result: EffectResultSchema, receipt: z.string().nullable() });

/** What the journal holds of one dispatch: its result, and the hash of its receipt (none for a refusal). */
export type EffectRecord = z.infer<typeof RecordSchema>;

const nameOf = (key: string) => `e-${sha256Hex(key)}`;

function decodeOrNull(body: string): unknown {
  try {
    return decode(body);
  } catch {
    return null; // reported as the record's corruption by the caller, naming the document
  }
}

/**
 * The results of the effects a run dispatched, by key (`<runId>:<step>:<index>`): what makes effects
 * exactly-once across crashes. A result is recorded after its receipt and before the step goes on, so a
 * resumed step that dispatches a recorded key gets the result back without a call.
 */
export class EffectJournal {
  readonly #documents: DocumentBackend<Header>;

  constructor(store: Store) {
    this.#documents = store.documents(JOURNAL);
  }

  /** The record of `key`, or null. A record that does not parse is a `CorruptDataError` naming it. */
  async get(key: string): Promise<EffectRecord | null> {
    const name = nameOf(key);
    const stored = await this.#documents.read(name);
    if (stored === null) return null;
    const parsed = stored.header.key === key ? RecordSchema.safeParse(decodeOrNull(stored.body)) : null;
    if (parsed?.success !== true) {
      throw new CorruptDataError(
        `effect journal record ${name} (key "${key}") is not a recorded effect result`,
        {
          details: { kind: JOURNAL.kind, name, key, path: parsed?.error?.issues[0]?.path.join('.') ?? 'key' },
        },
      );
    }
    return parsed.data as EffectRecord;
  }

  /** Records `record` for `key` (replacing a record left by an earlier attempt). */
  async put(key: string, result: EffectResult, receipt: string | null): Promise<void> {
    await this.#documents.write(nameOf(key), { key }, encode({ result, receipt }));
  }
}
