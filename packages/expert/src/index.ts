import { CheckedParts, type Closable, NameSchema, type RecordParts, z } from '@omega/core';

export type { Val } from '@omega/core';

/**
 * The expert record over a set of record parts: checked parts for the public schema, shape parts for the
 * record codec (which checks the values of `examples` and `meta` in the same walk that copies them).
 */
export function expertOf(parts: RecordParts) {
  const label = z.string().min(1, 'must be a non-empty string');
  return z.strictObject({
    name: NameSchema,
    description: z.string(),
    instructions: z.string(),
    model: label.optional(),
    tools: z.array(label).optional(),
    caps: z.array(label).optional(),
    tags: z.array(label).optional(),
    domain: label.optional(),
    examples: z.array(parts.val).optional(),
    // 0–2 is the range every major model API accepts; a value outside it is a typo, not a setting.
    temperature: z.number().min(0).max(2).optional(),
    meta: parts.valRecord.optional(),
  });
}

/**
 * An expert role: what a runtime needs to run a model as that expert. `name` follows the naming rule
 * (`NAME_RULE` in `@omega/core`); `instructions` is the role's system prompt; `tools` and `caps` name
 * the effects and capabilities it may use; `tags` and `domain` are what `find` matches besides the
 * name and description; `examples` and `meta` hold caller values (`Val`s).
 */
export const ExpertSchema = expertOf(CheckedParts);
export type Expert = z.infer<typeof ExpertSchema>;

/** Options of {@link ExpertProvider.register}. */
export interface RegisterExpertOptions {
  /** Replace an expert of the same name instead of refusing it with `AlreadyExistsError`. */
  replace?: boolean;
}

/** What {@link ExpertProvider.find} looks for; both parts optional, both must hold. */
export interface ExpertQuery {
  /** Words matched against each expert's name, description, tags and domain; ranks the result. */
  text?: string;
  /** Tags every expert found must carry (all of them). */
  tags?: string[];
}

/**
 * The registry of expert roles. Synchronous, as the seed's registries are: it holds a small set of roles
 * in memory (loaded from files by the filesystem backend).
 *
 * Backends: `DefaultExpertProvider` (`@omega/expert/memory`, with the built-in roles),
 * `FilesystemExpertProvider` (`@omega/expert/filesystem`, Markdown files with YAML front matter) and
 * `MockExpertProvider` (`@omega/expert/mock`). Every backend passes `describeExpertProvider`
 * (`@omega/expert/conformance`).
 */
export interface ExpertProvider extends Closable {
  /**
   * Adds `expert` (validated: `InvalidArgumentError` naming the field, `InvalidNameError` for a name
   * breaking the rule). A name already registered is an `AlreadyExistsError` unless `replace` is true.
   * The registry keeps its own copy.
   */
  register(expert: Expert, options?: RegisterExpertOptions): void;

  /** A copy of the expert named `name`, or `undefined` when there is none. */
  get(name: string): Expert | undefined;

  /** Copies of every expert, sorted by name (by code unit). */
  list(): Expert[];

  /**
   * Copies of the experts carrying every tag of `query.tags`, ranked by the relevance of `query.text`
   * to their name, description, tags and domain (BM25); experts matching none of its words are left
   * out. Without text, every expert with the tags, by name. Ties are broken by name.
   */
  find(query: ExpertQuery): Expert[];

  /** Removes the expert named `name`; whether there was one. */
  unregister(name: string): boolean;
}
