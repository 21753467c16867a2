import { isOmegaError, NotFoundError, sha256Hex, type Val } from '@omega/core';
import type { EffectResult } from '@omega/effects';
import { RUNTIME_ERROR_CODES, type Runtime, type StepContext, type StepFunction } from '@omega/runtime';
import { CORPUS, QUESTIONS } from './corpus.js';
import type { ModelRequest, ToolCall } from './model.js';
import type { Hit } from './search.js';

/** One answer the agent gave, and the evidence behind it. */
export type Answer = {
  question: string;
  text: string;
  evidence: string;
};

/**
 * The agent's machine state, saved in the run's session after every step. The run goes through the
 * questions; each takes three steps: research (the model picks tools), tools (each one called), write
 * (the model answers from the facts the tools gave, streamed out).
 */
export type AgentState = {
  question: number;
  phase: 'research' | 'tools' | 'write';
  /** The tool calls research asked for, run by the tools step. */
  toolCalls: ToolCall[];
  /** Evidence ids of the quotes the tools step found for the current question. */
  quotes: string[];
  answers: Answer[];
  /** Effects refused so far: the op, the failure's code, the step. */
  refused: { op: string; code: string; step: number }[];
  /** The output stream, and how many chunks this run has written to it. */
  output: { stream: string; chunks: number };
  halted: boolean;
};

/** The state a run starts from. */
export function initialState(stream: string): AgentState {
  return {
    question: 0,
    phase: 'research',
    toolCalls: [],
    quotes: [],
    answers: [],
    refused: [],
    output: { stream, chunks: 0 },
    halted: false,
  };
}

/** What the step function needs besides the runtime: the day's stream, and a hook after each effect. */
export interface AgentOptions {
  runtime: Runtime;
  /** The stream this day's output goes to. */
  stream: string;
  /** Called after each effect returns, with the step: the simulated crash waits here to be killed. */
  afterEffect?: (step: number) => Promise<void>;
  /** Effects dispatched, by step (what the summary compares with the handler calls). */
  dispatched?: Map<number, number>;
}

/** Records each document as source evidence (each day the same input, so the same evidence); their ids. */
export async function recordSources(runtime: Runtime): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const doc of CORPUS) {
    const evidence = await runtime.provenance.record({
      subject: `doc ${doc.id}`,
      kind: 'source',
      source: { uri: `corpus:${doc.id}`, digest: { sha256: sha256Hex(doc.text) } },
    });
    ids.set(doc.id, evidence.id);
  }
  return ids;
}

/** The fact base's rule: a question cites a document, the document is about a planet. */
export function addRules(runtime: Runtime): void {
  for (const doc of CORPUS) runtime.logic.assertFact(`(planet ${doc.id})`);
  runtime.logic.addRule('(and (cites ?q ?doc) (planet ?doc))', '(about-planet ?q ?doc)');
}

const isBudget = (result: EffectResult) =>
  !result.ok && result.error.code === RUNTIME_ERROR_CODES.BUDGET_EXCEEDED;

const noted = (state: AgentState, ctx: StepContext, op: string, result: EffectResult): AgentState =>
  result.ok
    ? state
    : { ...state, refused: [...state.refused, { op, code: result.error.code, step: ctx.step }] };

/** The agent's step function: one phase of one question per step. */
export function agentStep(options: AgentOptions, sources: Map<string, string>): StepFunction<AgentState> {
  const { runtime } = options;
  const effect = async (ctx: StepContext, op: string, ...args: Val[]) => {
    options.dispatched?.set(ctx.step, (options.dispatched.get(ctx.step) ?? 0) + 1);
    const result = await ctx.effect(op, ...args);
    await options.afterEffect?.(ctx.step);
    return result;
  };
  /** The first expert (by name) carrying `tag`: the experts come from the example's Markdown files. */
  const expertFor = (tag: string) => {
    const [expert] = runtime.expert.find({ tags: [tag] });
    if (expert === undefined) {
      throw new NotFoundError(`no expert tagged "${tag}" is loaded (see examples/agent-run/experts)`, {
        details: { kind: 'expert', name: tag },
      });
    }
    return expert;
  };
  const ask = (ctx: StepContext, request: ModelRequest) =>
    effect(ctx, 'model.complete', request as unknown as Val);

  const research = async (state: AgentState, ctx: StepContext, question: string): Promise<AgentState> => {
    const expert = expertFor('research');
    const result = await ask(ctx, {
      model: expert.model ?? 'omega-mini',
      expert: expert.name,
      instructions: expert.instructions,
      purpose: 'research',
      question,
      facts: [],
    });
    if (!result.ok) return noted(state, ctx, 'model.complete', result);
    const { toolCalls } = result.value as unknown as { toolCalls: ToolCall[] };
    return { ...state, phase: 'tools', toolCalls };
  };

  const tools = async (state: AgentState, ctx: StepContext, id: string): Promise<AgentState> => {
    let next = state;
    const hits: Hit[] = [];
    for (const call of state.toolCalls) {
      // The model names tools as model APIs do; the registry maps a name back to its op.
      const op = runtime.effects.opOf(call.name) ?? call.name;
      const result = await effect(ctx, op, call.args);
      if (isBudget(result)) return state;
      next = noted(next, ctx, op, result);
      if (result.ok) hits.push(...(result.value as unknown as { hits: Hit[] }).hits);
    }
    // Only the best passages are cited: a passage sharing one word with the question is not evidence.
    const best = Math.max(0, ...hits.map((hit) => hit.score));
    const quotes: string[] = [];
    for (const hit of hits.filter((each) => each.score === best)) {
      const doc = CORPUS.find((each) => each.id === hit.doc);
      const source = sources.get(hit.doc);
      if (doc === undefined || source === undefined) continue;
      // Facts derived from the tool's result: which document the question cites, and what it says.
      runtime.logic.assertFact(`(cites ${id} ${hit.doc})`);
      runtime.logic.assertFact(hit.quote);
      const points = [...doc.text];
      const quote = await runtime.provenance.record({
        subject: id,
        kind: 'quote',
        derivedFrom: [source],
        agent: 'docs.search',
        generatedBy: { runId: ctx.runId, step: ctx.step },
        source: {
          digest: { sha256: sha256Hex(doc.text) },
          range: hit.range,
          prefix: points.slice(Math.max(0, hit.range[0] - 12), hit.range[0]).join(''),
          quote: hit.quote,
          suffix: points.slice(hit.range[1], hit.range[1] + 12).join(''),
        },
      });
      quotes.push(quote.id);
    }
    return { ...next, phase: 'write', toolCalls: [], quotes };
  };

  const write = async (
    state: AgentState,
    ctx: StepContext,
    id: string,
    question: string,
  ): Promise<AgentState> => {
    const expert = expertFor('writing');
    // The prompt carries the facts most relevant to the question, not the whole fact base.
    const facts = runtime.logic
      .search(question, { limit: 2 })
      .flatMap((found) => (found.kind === 'fact' ? [found.fact] : []));
    const result = await ask(ctx, {
      model: expert.model ?? 'omega-pro',
      expert: expert.name,
      instructions: expert.instructions,
      purpose: 'write',
      question,
      facts,
    });
    if (!result.ok) return noted(state, ctx, 'model.complete', result);
    const { text } = result.value as unknown as { text: string };
    const written = await streamOut(state, `${id}: ${text}`);
    // The answer's evidence: derived from the quotes and from the model call's observation (which the
    // runtime recorded, linked to the call's receipt).
    const observation = (await runtime.provenance.forSubject('effect model.complete')).find(
      (each) => each.generatedBy?.runId === ctx.runId && each.generatedBy.step === ctx.step,
    );
    const answer = await runtime.provenance.record({
      subject: id,
      kind: 'derivation',
      derivedFrom: [...(observation === undefined ? [] : [observation.id]), ...state.quotes],
      agent: expert.model ?? expert.name,
      generatedBy: { runId: ctx.runId, step: ctx.step },
      meta: { answer: text },
    });
    runtime.logic.assertFact(`(answered ${id})`);
    const answers = [...state.answers, { question: id, text, evidence: answer.id }];
    const done = state.question + 1 >= QUESTIONS.length;
    return {
      ...state,
      question: state.question + 1,
      phase: 'research',
      quotes: [],
      answers,
      output: written,
      halted: done,
    };
  };

  /**
   * Appends the answer to the day's stream, a few words per chunk, each at the index the state expects: a
   * chunk already there (written before a crash, the step replayed) is a conflict, and is not written twice.
   */
  const streamOut = async (state: AgentState, text: string): Promise<AgentState['output']> => {
    let chunks = state.output.stream === options.stream ? state.output.chunks : 0;
    const words = text.split(' ');
    for (let at = 0; at < words.length; at += 4) {
      const chunk = `${words.slice(at, at + 4).join(' ')}${at + 4 < words.length ? ' ' : '\n'}`;
      try {
        await runtime.stream.append(options.stream, chunk, { expectedIndex: chunks });
      } catch (error) {
        if (!isOmegaError(error, 'CONFLICT')) throw error;
      }
      chunks += 1;
    }
    return { stream: options.stream, chunks };
  };

  return async (state, ctx) => {
    const question = QUESTIONS[state.question];
    if (question === undefined) return { ...state, halted: true };
    if (state.phase === 'research') return research(state, ctx, question.text);
    if (state.phase === 'tools') return tools(state, ctx, question.id);
    return write(state, ctx, question.id, question.text);
  };
}
