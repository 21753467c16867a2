import { sha256Hex } from '@omega/core';
import { EvidenceIndex } from './evidence-index.js';
import { isSubject, type SnapshotHeader } from './rules.js';

const ID_LENGTH = 64;
const HEX = /^[0-9a-f]*$/;

/**
 * The body of an index snapshot: JSON of the ids concatenated (64 hex digits each, by position), the
 * distinct subjects, each position's subject number, and each position's parents as a count followed by
 * their positions. Flat arrays of numbers and one long string parse several times faster than an object
 * per entry, which is what makes opening from a snapshot cheap.
 */
interface SnapshotBody {
  ids: string;
  subjects: string[];
  subjectOf: number[];
  parents: number[];
}

/** A snapshot of `index`: its header (what it covers, its digest) and its body. */
export function snapshotOf(index: EvidenceIndex): { header: SnapshotHeader; body: string } {
  const parents: number[] = [];
  for (const linked of index.parents) {
    parents.push(linked.length);
    for (const parent of linked) parents.push(parent);
  }
  const snapshot: SnapshotBody = {
    ids: index.ids.join(''),
    subjects: index.subjects,
    subjectOf: index.subjectOf,
    parents,
  };
  const body = JSON.stringify(snapshot);
  const header: SnapshotHeader = { covers: index.size, digest: sha256Hex(body) };
  if (index.size > 0) {
    header.first = index.ids[0];
    header.last = index.ids[index.size - 1];
  }
  return { header, body };
}

/**
 * The index a snapshot holds, after checking its digest and every part of it (lengths, hex ids, valid
 * subjects, parents before their children), or why it cannot be used.
 */
export function indexOfSnapshot(header: SnapshotHeader, body: string): EvidenceIndex | string {
  if (sha256Hex(body) !== header.digest) return 'its body does not match its digest';
  let snapshot: SnapshotBody;
  try {
    snapshot = JSON.parse(body) as SnapshotBody;
  } catch {
    return 'its body is not JSON';
  }
  const { ids, subjects, subjectOf, parents } = snapshot ?? {};
  const covers = header.covers;
  if (typeof ids !== 'string' || ids.length !== covers * ID_LENGTH || !HEX.test(ids)) {
    return `its ids are not ${covers} ids`;
  }
  if (!Array.isArray(subjects) || !subjects.every(isSubject)) return 'its subjects are not subjects';
  if (!Array.isArray(subjectOf) || subjectOf.length !== covers || !Array.isArray(parents)) {
    return `it does not describe ${covers} entries`;
  }
  const index = new EvidenceIndex();
  for (const subject of subjects) index.addSubject(subject);
  if (index.subjects.length !== subjects.length) return 'a subject appears twice';
  let at = 0;
  for (let position = 0; position < covers; position++) {
    const count = parents[at++] as number;
    if (!Number.isSafeInteger(count) || count < 0 || at + count > parents.length) {
      return `the parents of entry ${position} are cut short`;
    }
    const linked = parents.slice(at, at + count);
    at += count;
    const id = ids.slice(position * ID_LENGTH, (position + 1) * ID_LENGTH);
    const reason = index.addAt(id, subjectOf[position] as number, linked);
    if (reason !== null) return `entry ${position}: ${reason}`;
  }
  if (at !== parents.length) return 'its parents run past its entries';
  if (covers > 0 && (header.first !== index.ids[0] || header.last !== index.ids[covers - 1])) {
    return 'its header does not name its first and last ids';
  }
  return index;
}
