import { MemoryLogicProvider } from '@omega/logic/memory';
import { compare } from './measure.js';
import type { Row } from './report.js';

const CHAIN = 300;
const node = (i: number) => `n${i}`;
const PATH_RULES: Array<[string, string]> = [
  ['(edge ?x ?y)', '(path ?x ?y)'],
  ['(and (path ?x ?y) (edge ?y ?z))', '(path ?x ?z)'],
];

// The chain's closure through the provider: asserting it, then one query makes the engine derive.
function providerClosure(): MemoryLogicProvider {
  const provider = new MemoryLogicProvider();
  for (let i = 0; i + 1 < CHAIN; i++) provider.assertFact(`(edge ${node(i)} ${node(i + 1)})`);
  for (const [condition, conclusion] of PATH_RULES) provider.addRule(condition, conclusion);
  if (!provider.ask(`(path ${node(0)} ${node(CHAIN - 1)})`)) throw new Error('the closure is incomplete');
  return provider;
}

/**
 * The baseline: naive evaluation of the same two rules over the same chain, as a textbook evaluator does
 * it: every round joins every known path with the edges (through a hash index of edges by source, so the
 * baseline is not slow for want of an index), until a round adds nothing. Semi-naive evaluation differs
 * in joining only the paths new in the previous round.
 */
function naiveClosure(): Set<string> {
  const next = new Map<string, string[]>();
  const known = new Set<string>();
  for (let i = 0; i + 1 < CHAIN; i++) {
    next.set(node(i), [node(i + 1)]);
    known.add(`${node(i)} ${node(i + 1)}`);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const path of [...known]) {
      const [from, to] = path.split(' ') as [string, string];
      for (const further of next.get(to) ?? []) {
        const derived = `${from} ${further}`;
        if (!known.has(derived)) {
          known.add(derived);
          changed = true;
        }
      }
    }
  }
  if (known.size !== (CHAIN * (CHAIN - 1)) / 2) throw new Error('the naive closure is incomplete');
  return known;
}

const WORDS = (
  'model prompt token budget cache fact rule query answer stream session trace receipt artifact expert ' +
  'policy audit evidence source chapter proof lemma graph node edge path river mountain city country ' +
  'scientist prize physics chemistry born died wrote discovered invented married taught studied'
).split(' ');

// 100,000 sentences of 8 to 15 words drawn by a fixed linear congruential sequence: the same every run.
function sentences(count: number): string[] {
  let state = 17;
  const draw = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % n;
  };
  return Array.from({ length: count }, (_, i) => {
    const length = 8 + draw(8);
    const words = Array.from({ length }, () => WORDS[draw(WORDS.length)]!);
    return `Fact ${i}: ${words.join(' ')}.`;
  });
}

/**
 * The logic family: the transitive closure of a 300-node chain (44,850 derived path facts) by semi-naive
 * forward chaining against naive evaluation; a bound query on the closure against a scan of the derived
 * facts; and `search` over 100,000 natural-language facts against a scan of them for the query's words.
 */
export async function logicOperations(): Promise<Row[]> {
  const rows: Row[] = [];
  const closure = await compare(() => providerClosure().close(), naiveClosure, 3, 1, 1);
  rows.push({
    bench: 'transitive closure of a 300-node chain: semi-naive, indexed vs naive evaluation',
    size: '44,850 facts',
    ...closure,
    target: 10,
    sense: 'speed',
  });

  const provider = providerClosure();
  const derived = [...naiveClosure()];
  let probe = 0;
  const bound = await compare(
    () => provider.query(`(path ${node(probe++ % CHAIN)} ?to)`),
    () => {
      const from = `${node(probe++ % CHAIN)} `;
      return derived.filter((path) => path.startsWith(from));
    },
    9,
    50,
  );
  rows.push({
    bench: 'bound query (path nK ?to) after the closure vs a scan of the derived facts',
    size: '44,850 facts',
    ...bound,
    sense: 'speed',
  });
  await provider.close();

  const facts = sentences(100_000);
  const base = new MemoryLogicProvider();
  for (const fact of facts) base.assertFact(fact);
  const query = 'which scientist discovered a prize in chemistry';
  const terms = query.split(' ');
  const search = await compare(
    () => base.search(query, { limit: 10 }),
    () => facts.filter((fact) => terms.some((term) => fact.includes(term))).slice(0, 10),
    9,
    3,
  );
  rows.push({
    bench: 'search (BM25, top 10) vs a substring scan for the query words',
    size: '100,000 facts',
    ...search,
    sense: 'speed',
  });
  await base.close();
  return rows;
}
