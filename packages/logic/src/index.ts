import { type Closable, z } from '@omega/core';

/** A rule as stored and listed: a condition and a conclusion, each an s-expression or natural language. */
export const LogicRuleSchema = z.object({ condition: z.string(), conclusion: z.string() });
export type LogicRule = z.infer<typeof LogicRuleSchema>;

/**
 * One answer of {@link LogicProvider.query}: each variable of the pattern (without its `?`) bound to the
 * canonical text of a term (`charlie`, `"Marie Curie"`, `(f a)`).
 */
export type LogicBindings = Record<string, string>;

/**
 * Why a fact holds: asserted (no `rule`, no premises), or concluded by `rule` from `premises`, one per
 * condition of the rule, in the rule's order. `fact` is the fact's canonical text.
 */
export interface LogicDerivation {
  fact: string;
  rule?: LogicRule;
  premises: LogicDerivation[];
}

/** Options of {@link LogicProvider.search}. */
export const LogicSearchOptionsSchema = z.strictObject({
  /** Most hits returned (default 10). */
  limit: z.number().int().positive().optional(),
});
export type LogicSearchOptions = z.infer<typeof LogicSearchOptionsSchema>;

/** One hit of {@link LogicProvider.search}: a natural-language fact or rule and its BM25 score. */
export type LogicSearchHit =
  | { kind: 'fact'; fact: string; score: number }
  | { kind: 'rule'; rule: LogicRule; score: number };

/**
 * A fact base of the two kinds of fact the runtime reasons with (USER-MANUAL chapter 27): statements in
 * natural language, which the runtime puts into a model's prompt (found by {@link LogicProvider.search}),
 * and SICP 4.4 s-expressions such as `(parent alice bob)`, with rules over `?variables`, answered by
 * unification over the facts asserted and those the rules derive.
 *
 * A text is an s-expression when its first non-blank character is `(`; it must then be exactly one
 * well-formed s-expression. Any other non-empty text is natural language, kept exactly as written.
 * The seed's six methods are synchronous and so is everything added here.
 *
 * Backends: `MemoryLogicProvider` (`@omega/logic/memory`), `FilesystemLogicProvider`
 * (`@omega/logic/filesystem`) and `MockLogicProvider` (`@omega/logic/mock`). Every backend passes
 * `describeLogicProvider` (`@omega/logic/conformance`).
 */
export interface LogicProvider extends Closable {
  /**
   * Asserts a fact: any non-empty string. An s-expression fact must be a ground, non-empty list (no
   * variables: a general statement is a rule); a duplicate (the same text, or the same s-expression
   * written with other spacing) is ignored.
   */
  assertFact(fact: string): void;

  /**
   * Adds a rule. Both parts s-expressions: `condition` is a list pattern or `(and p1 p2 ...)`, and
   * `conclusion` a list pattern using only variables the condition binds. Both natural language: kept as
   * text, for search. A mix, or a malformed s-expression, is an `InvalidArgumentError`; a duplicate is
   * ignored.
   */
  addRule(condition: string, conclusion: string): void;

  /** The asserted facts, in the order first asserted, each as first written. */
  getFacts(): string[];

  /** The rules, in the order first added, each as first written. */
  getRules(): Array<{ condition: string; conclusion: string }>;

  /** Removes every fact and rule. */
  clear(): void;

  /** How many facts are asserted (derived facts are not counted). */
  count(): number;

  /**
   * Every binding of the variables of `pattern` (a list pattern, or `(and p1 p2 ...)`) under which it
   * matches known facts, asserted or derived; each distinct binding once. A pattern without variables
   * gives `[{}]` when it holds and `[]` otherwise.
   */
  query(pattern: string): LogicBindings[];

  /**
   * Whether `fact` holds: for an s-expression, asserted or derived (it must be ground); for natural
   * language, asserted exactly as written.
   */
  ask(fact: string): boolean;

  /** How ground s-expression `fact` was derived, down to asserted facts; null when it does not hold. */
  explain(fact: string): LogicDerivation | null;

  /**
   * The natural-language facts and rules most relevant to `text` by BM25 (a rule's condition and
   * conclusion are one document), best first, at most `options.limit` (default 10). S-expressions are
   * not searched: they are answered by {@link LogicProvider.query}.
   */
  search(text: string, options?: LogicSearchOptions): LogicSearchHit[];

  /**
   * Removes asserted fact `fact` and whatever no longer follows without it; false when it was not
   * asserted (a fact that is only derived is retracted by retracting its premises).
   */
  retract(fact: string): boolean;

  /**
   * SHA-256 (hex) of the fact base: of its asserted facts and rules as sets, in canonical form (an
   * s-expression by its canonical text), so two bases holding the same facts and rules have the same
   * signature whatever the order or spacing they were written in. For the runtime's fixpoint checks.
   */
  signature(): string;
}
