import { z } from '@omega/core';

/** What a model costs, in USD per million tokens. */
export const ModelPriceSchema = z
  .object({
    inputPerMillion: z.number().nonnegative().finite(),
    outputPerMillion: z.number().nonnegative().finite(),
  })
  .strict();
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

/** Prices by model name (or by op, for an effect that names no model). */
export const PriceTableSchema = z.record(z.string().min(1), ModelPriceSchema);
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Tokens of a call, as an estimate or a result's usage gives them. */
export interface TokenCounts {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  costUsd?: number | undefined;
}

/**
 * The cost of `counts` in USD: its `costUsd` when given, else its tokens at `price`, else 0 (a call with no
 * price and no stated cost spends tokens only).
 */
export function costOf(counts: TokenCounts, price: ModelPrice | undefined): number {
  if (counts.costUsd !== undefined) return counts.costUsd;
  if (price === undefined) return 0;
  return (
    ((counts.inputTokens ?? 0) * price.inputPerMillion +
      (counts.outputTokens ?? 0) * price.outputPerMillion) /
    1_000_000
  );
}

/** The tokens of `counts`, input and output together. */
export const tokensOf = (counts: TokenCounts): number =>
  (counts.inputTokens ?? 0) + (counts.outputTokens ?? 0);
