import type { EffectResult, Val } from '@omega/effects';
import { termsOf } from './search.js';

/** What the agent sends the model: the role's instructions, the task, and the facts it may use. */
export interface ModelRequest {
  model: string;
  expert: string;
  instructions: string;
  purpose: 'research' | 'write';
  question: string;
  /** Facts for a `write` request (natural-language facts of the fact base). */
  facts: string[];
}

/** A call the model asks for, by tool name (`docs__search`), as model APIs name tools. */
export type ToolCall = {
  name: string;
  args: Record<string, string>;
};

/** The models of the example, with their prices per million tokens (the runtime's price table). */
export const PRICES = {
  'omega-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'omega-pro': { inputPerMillion: 3, outputPerMillion: 15 },
};

/** What a call to the model is expected to cost: the runtime reserves this from the budget first. */
export const MODEL_ESTIMATE = { inputTokens: 150, outputTokens: 60 };

const tokens = (text: string) => Math.ceil(text.length / 4);

// Questions the documents cannot answer as of today: the fake model asks for live data for these.
const LIVE = /\b(hot|temperature|now|today)\b/i;

/**
 * A deterministic stand-in for a model: same request, same reply and usage, so every run prints the same.
 * A research request returns tool calls (a search for the question's key words, and for questions about
 * the present, a shell command fetching live data); a write request answers from the facts it was given.
 */
export function fakeModel(request: ModelRequest): EffectResult {
  const prompt = [request.instructions, request.question, ...request.facts].join('\n');
  let value: { text: string; toolCalls: ToolCall[] };
  if (request.purpose === 'research') {
    const query = termsOf(request.question).join(' ');
    const toolCalls: ToolCall[] = [{ name: 'docs__search', args: { query } }];
    if (LIVE.test(request.question)) {
      toolCalls.unshift({
        name: 'shell__exec',
        args: { command: `curl -s https://api.example/now?q=${encodeURIComponent(query)}` },
      });
    }
    value = { text: `Searching the documents for: ${query}.`, toolCalls };
  } else {
    const [best] = request.facts;
    value = {
      text: best === undefined ? 'The documents do not say.' : best,
      toolCalls: [],
    };
  }
  return {
    ok: true,
    value: value as unknown as Val,
    usage: { inputTokens: tokens(prompt), outputTokens: tokens(JSON.stringify(value)) },
  };
}
