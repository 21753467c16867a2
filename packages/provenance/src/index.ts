import { CheckedParts, type Closable, NameSchema, type RecordParts, TimestampSchema, z } from '@omega/core';

export type { Val } from '@omega/core';
export { type QuoteCheck, type QuoteCheckName, type QuoteSource, verifyQuote } from './quote.js';

/**
 * The longest subject, in UTF-16 code units (JavaScript's `length`): room for a URI or a sentence of a
 * fact, while bounding what the index keeps in memory and in its snapshot per subject.
 */
export const MAX_SUBJECT_LENGTH = 4096;

/**
 * What a piece of evidence is about: any non-empty string of at most {@link MAX_SUBJECT_LENGTH} UTF-16
 * code units (a claim, a URI, a fact's text). Not a name: it is kept in entry bodies and the index only,
 * never in a file or document name.
 */
export const SubjectSchema = z.string().min(1).max(MAX_SUBJECT_LENGTH);

/** An evidence id: SHA-256 (64 lowercase hex digits) of the canonical input without `at`. */
export const EvidenceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'an evidence id is 64 lowercase hex digits');

/** Where a piece of evidence came from, and the span of it that is quoted (W3C Web Annotation selectors). */
export const SourceSchema = z
  .object({
    /** The source's address: a URL, a path, a world reference. */
    uri: z.string().min(1).optional(),
    /** The receipt of the call that produced the source (a `ReceiptProvider` hash). */
    receipt: z.string().min(1).optional(),
    /** SHA-256 of the UTF-8 bytes of the whole source text. */
    digest: z
      .object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) })
      .strict()
      .optional(),
    /** The quoted span in Unicode code points of the source text: start inclusive, end exclusive. */
    range: z
      .tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])
      .refine(([start, end]) => start <= end, 'a range ends at or after its start')
      .optional(),
    /** Text just before the quote, to find it again when the range has drifted. */
    prefix: z.string().optional(),
    /** The quoted text itself. */
    quote: z.string().min(1).optional(),
    /** Text just after the quote. */
    suffix: z.string().optional(),
  })
  .strict();
export type Source = z.infer<typeof SourceSchema>;

/** The run step that generated a piece of evidence (PROV wasGeneratedBy). */
export const GeneratedBySchema = z
  .object({
    /** The run; follows the name rule, as receipts' runIds do. */
    runId: NameSchema,
    step: z.number().int().nonnegative().optional(),
    /** The receipt of the call that made the claim. */
    receipt: z.string().min(1).optional(),
  })
  .strict();
export type GeneratedBy = z.infer<typeof GeneratedBySchema>;

/** What a caller records, over a set of record parts (checked ones for the public schema, shape ones for serde). */
export function evidenceInputOf(parts: RecordParts) {
  return z
    .object({
      /** What the evidence is about: any non-empty string of at most 4096 UTF-16 code units. */
      subject: SubjectSchema,
      /** `source`, `quote`, `derivation`, `observation`, or a kind of the caller's. */
      kind: z.string().min(1),
      source: SourceSchema.optional(),
      /** Ids of the recorded evidence this was derived from (PROV wasDerivedFrom), each once. */
      derivedFrom: z
        .array(EvidenceIdSchema)
        .refine((ids) => new Set(ids).size === ids.length, 'derivedFrom names each evidence once')
        .optional(),
      generatedBy: GeneratedBySchema.optional(),
      /** Who made the claim: a model, a tool, a person (PROV wasAssociatedWith). */
      agent: z.string().min(1).optional(),
      /** How sure the agent is, from 0 to 1. */
      confidence: z.number().min(0).max(1).optional(),
      /** When the claim was made, in ms since the epoch (default: when it is recorded). Not part of the id. */
      at: TimestampSchema.optional(),
      meta: parts.valRecord.optional(),
    })
    .strict();
}

/** One claim and where it came from, as a caller records it. */
export const EvidenceInputSchema = evidenceInputOf(CheckedParts);
export type EvidenceInput = z.infer<typeof EvidenceInputSchema>;

/** A recorded piece of evidence: its input, its id, and its time. */
export interface Evidence extends EvidenceInput {
  /** SHA-256 (hex) of the canonical input without `at` (`digestOf` of `@omega/core`). */
  id: string;
  at: number;
}

/** Options of {@link ProvenanceProvider.lineage} and {@link ProvenanceProvider.dependents}. */
export interface TraversalOptions {
  /** How many derivation steps to follow: 1 gives the direct parents (or children). Default: all. */
  depth?: number;
}

/**
 * Where every claim came from: content-addressed evidence of sources, quotes, derivations and observations,
 * linked into an acyclic derivation graph (each evidence derives only from evidence recorded before it).
 *
 * Backends: `MemoryProvenanceProvider` (`@omega/provenance/memory`), `FilesystemProvenanceProvider`
 * (`@omega/provenance/filesystem`) and `MockProvenanceProvider` (`@omega/provenance/mock`). Every backend
 * passes `describeProvenanceProvider` (`@omega/provenance/conformance`).
 */
export interface ProvenanceProvider extends Closable {
  /**
   * Records `input`; resolves once it is stored (durable, where the backend is). The same input again
   * (whatever its `at`) resolves to the evidence stored the first time. Every id of `derivedFrom` must be
   * recorded already (`NotFoundError` otherwise, nothing stored).
   */
  record(input: EvidenceInput): Promise<Evidence>;
  /** The evidence whose id is `id`, or null. */
  get(id: string): Promise<Evidence | null>;
  /** The evidence about `subject`, in the order recorded. */
  forSubject(subject: string): Promise<Evidence[]>;
  /** Ancestors of `id` (what it derives from, transitively), each once, nearest first. `NotFoundError` for no `id`. */
  lineage(id: string, options?: TraversalOptions): Promise<Evidence[]>;
  /** Descendants of `id` (what derives from it, transitively), each once, nearest first. `NotFoundError` for no `id`. */
  dependents(id: string, options?: TraversalOptions): Promise<Evidence[]>;
  /** How many pieces of evidence are recorded. */
  count(): Promise<number>;
}
