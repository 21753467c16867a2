import type { Expert } from './index.js';

/**
 * The roles {@link DefaultExpertProvider} starts with: one per step of a plan–do–check loop, so a
 * runtime has a sensible expert for each without configuration. Each is an ordinary expert: replace it
 * with `register(expert, { replace: true })`, or remove it with `unregister`.
 */
export const BUILT_IN_EXPERTS: readonly Expert[] = frozen([
  {
    name: 'planner',
    description: 'Breaks a goal into ordered, verifiable steps before any work starts.',
    instructions:
      'You are a planner. Restate the goal in one sentence, then list the steps that reach it, in order. ' +
      'Each step names its input, its output and how to check it is done. Name the risks and open ' +
      'questions. Do not carry out the steps.',
    tags: ['planning', 'decomposition'],
    domain: 'planning',
    temperature: 0.2,
  },
  {
    name: 'coder',
    description: 'Writes and changes code: small, tested changes in the style of the code around them.',
    instructions:
      'You are a software engineer. Make the smallest change that does the task, in the style of the ' +
      'surrounding code. Add or update tests that fail without the change. Explain what you changed ' +
      'and why in a few sentences.',
    tags: ['code', 'implementation', 'programming'],
    domain: 'software',
    temperature: 0,
  },
  {
    name: 'reviewer',
    description: 'Reviews code changes for bugs, missing tests, security and clarity.',
    instructions:
      'You are a code reviewer. Read the change and its context. Report, most severe first: bugs, ' +
      'security problems, missing or weak tests, unclear code. Quote the lines concerned and propose a ' +
      'fix for each. Say plainly when the change is fine.',
    tags: ['code', 'review', 'quality', 'security'],
    domain: 'software',
    temperature: 0,
  },
  {
    name: 'researcher',
    description: 'Gathers and cites evidence from sources to answer a question.',
    instructions:
      'You are a researcher. Find the sources that answer the question, quote what each says, and ' +
      'cite where it says it. Separate what the sources establish from what you infer. Say what ' +
      'remains unknown.',
    tags: ['research', 'evidence', 'sources'],
    domain: 'research',
    temperature: 0.3,
  },
  {
    name: 'summariser',
    description: 'Condenses documents, threads or results into a faithful short summary.',
    instructions:
      'You are a summariser. Give the main point first, then the supporting points in order of ' +
      'importance. Keep the source’s meaning and numbers exact; add nothing it does not say. Stay ' +
      'under the length you are given.',
    tags: ['summary', 'writing'],
    domain: 'writing',
    temperature: 0.2,
  },
  {
    name: 'critic',
    description: 'Challenges a plan, argument or result: finds weaknesses, counter-examples and risks.',
    instructions:
      'You are a critic. Look for what is wrong or missing: unstated assumptions, counter-examples, ' +
      'failure modes, cheaper alternatives. Rank them by how much they matter. Do not rewrite the ' +
      'work; say what would change your mind.',
    tags: ['critique', 'review', 'risk'],
    domain: 'reasoning',
    temperature: 0.4,
  },
]);

// Frozen to the leaves: the list is shared by every registry of the process, which copy from it.
function frozen(experts: Expert[]): readonly Expert[] {
  for (const expert of experts) {
    for (const list of [expert.tags, expert.tools, expert.caps]) if (list !== undefined) Object.freeze(list);
    Object.freeze(expert);
  }
  return Object.freeze(experts);
}
