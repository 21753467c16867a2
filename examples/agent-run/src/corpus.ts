import { sha256Hex } from '@omega/core';

/** One document the agent can search: short, so the example's output stays readable. */
export interface Doc {
  id: string;
  title: string;
  text: string;
}

/** The documents the agent's `docs.search` tool searches. */
export const CORPUS: readonly Doc[] = [
  {
    id: 'mercury',
    title: 'Mercury',
    text:
      'Mercury is the smallest planet and the closest to the Sun. ' +
      'A year on Mercury lasts 88 Earth days. ' +
      'Its thin exosphere cannot hold heat, so its nights fall to minus 180 degrees Celsius.',
  },
  {
    id: 'venus',
    title: 'Venus',
    text:
      'Venus is wrapped in thick clouds of sulfuric acid. ' +
      'The carbon dioxide air of Venus traps heat, and its surface stays near 465 degrees Celsius. ' +
      'Venus turns backwards, so the Sun rises in the west there.',
  },
  {
    id: 'mars',
    title: 'Mars',
    text:
      'Mars has two small moons, Phobos and Deimos. ' +
      'Olympus Mons on Mars is the largest volcano in the solar system, about 22 kilometres high. ' +
      'Iron oxide dust gives Mars its red colour.',
  },
  {
    id: 'jupiter',
    title: 'Jupiter',
    text:
      'Jupiter is the largest planet, more than twice as massive as all the others together. ' +
      'The Great Red Spot on Jupiter is a storm wider than the Earth. ' +
      'Jupiter has at least 95 known moons.',
  },
];

/** One question the agent answers, with its id (a logic symbol). */
export interface Question {
  id: string;
  text: string;
}

/** The run's task list: one question after another. */
export const QUESTIONS: readonly Question[] = [
  { id: 'q1', text: 'How many moons does Mars have?' },
  { id: 'q2', text: 'Which planet has the Great Red Spot storm?' },
  { id: 'q3', text: 'How hot is the surface of Venus?' },
  { id: 'q4', text: 'How long is a year on Mercury?' },
  { id: 'q5', text: 'What is the largest volcano in the solar system?' },
];

/** The fingerprint of each document: SHA-256 of its text, the dependencies of the search index. */
export function fingerprints(corpus: readonly Doc[]): Map<string, string> {
  return new Map(corpus.map((doc) => [doc.id, sha256Hex(doc.text)]));
}
