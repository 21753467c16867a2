import { basename, dirname, join } from 'node:path';
import { type Base, claimPath, isCurrent } from './document-base.js';
import { withOutcome } from './failures.js';
import { io } from './io.js';
import { removeQuietly } from './temp.js';

/*
 * How a write of a document lands exactly once, in order, whatever its writer's stalls.
 *
 * The lock decides who writes, while every holder heartbeats; but a holder frozen past its lease (SIGSTOP,
 * `docker pause`, an event loop blocked by a large encode) is taken over, and a plain rename() made when it
 * resumes would land over what the next holder wrote. So the write itself is conditional on the state it
 * read (its base, see document-base.ts), with three exclusive steps the kernel decides:
 *
 *   1. The data: a complete temp file D beside the document (fsync'd when durable), named for its writer.
 *   2. The claim: link(D, C), where C = `.<name>.jsonl.<key of the base>.claim`. link() fails when C exists,
 *      so of all writes over one state at most one holds its claim. Then the writer checks that its base is
 *      still the document's current state (same inode, which its open descriptor keeps from being reused;
 *      or same tombstone). If not, it withdraws: unlink(D) (failing only if D was already installed,
 *      see 4), unlink(C).
 *   3. The install: rename(D, <name>.jsonl). D's name is its writer's alone, and only a rename of D can
 *      move the document off a claimed state; so once a claim holds D and its base was current, the state
 *      stays current until exactly D lands. Then C is removed: its state is gone for good.
 *   4. The roll-forward: a writer whose claim fails finds the claim's D (the entry with C's inode) and
 *      installs it itself when their common base is current, then starts again from the new state. A
 *      frozen claim holder thus never blocks anyone, and when it resumes its rename fails (D is gone): its
 *      write has landed, in order, and it reports success.
 *
 * A writer frozen at any point thus either lands in order (its claim held over a current base) or changes
 * nothing (its claim fails, or its check finds the base gone and it withdraws its D). A document with no
 * entry at all is created with link(D, <name>.jsonl), which fails when anything appeared meanwhile; a
 * remove installs a tombstone the same way, since an unlink cannot be made conditional.
 *
 * The costs over a plain atomic replace: one link and one unlink (the claim), one lstat (the check), and
 * the descriptor of the base kept open; a directory listing only when a claim fails.
 */

/**
 * What became of a commit: `landed`; `moved` (its base is no longer current and nothing of it landed: read
 * the new state and decide again); `busy` (a claim on its base whose data cannot be found yet: a writer
 * between two steps; try again shortly).
 */
export type Commit = 'landed' | 'moved' | 'busy';

/**
 * Publishes `temp` (complete, and fsync'd when durable) as `file` over `base`, as described above. `temp`
 * is consumed: installed, or removed. A failure after the claim leaves it claimed, for the next writer to
 * roll forward, and says so (`outcome: 'pending'`); the directory is not synced here.
 */
export function commitTemp(file: string, base: Base<unknown>, temp: string): Commit {
  if (base.key === null) return createWith(file, temp);
  const claim = claimPath(file, base.key);
  for (;;) {
    try {
      io.linkSync(temp, claim);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        removeQuietly(temp);
        throw error;
      }
    }
    const other = rollForward(file, base, claim, temp);
    if (other !== 'retry') {
      removeQuietly(temp);
      return other;
    }
  }
  try {
    if (!isCurrent(file, base)) return withdraw(temp, claim);
    io.renameSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw withOutcome(error, 'pending');
    // Gone before the rename: another writer rolled it forward, so the base is no longer current. A
    // current base means it was removed unlanded (swept as a stalled writer's leftover): nothing landed.
    if (isCurrent(file, base)) {
      removeQuietly(claim);
      return 'moved';
    }
  }
  removeQuietly(claim);
  return 'landed';
}

// A name with no entry: link() creates it only if nothing appeared meanwhile.
function createWith(file: string, temp: string): Commit {
  try {
    io.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'moved';
    throw error;
  } finally {
    removeQuietly(temp);
  }
  return 'landed';
}

// The base moved on while the claim was held: take the data back, unless it already landed (a writer that
// found this claim installed it before the base moved, which is what moved it).
function withdraw(temp: string, claim: string): Commit {
  let landed = false;
  try {
    io.unlinkSync(temp);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw withOutcome(error, 'pending');
    landed = true;
  }
  removeQuietly(claim);
  return landed ? 'landed' : 'moved';
}

/**
 * Another write holds the claim on `base`: installs its data when `base` is current (then `moved`: decide
 * again over the new state), `retry` when the claim has gone meanwhile, `busy` when its data is not found.
 */
function rollForward(file: string, base: Base<unknown>, claim: string, own: string): Commit | 'retry' {
  if (!isCurrent(file, base)) return 'moved';
  let claimed: number;
  try {
    claimed = io.lstatSync(claim).ino;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'retry';
    throw error;
  }
  const dir = dirname(file);
  const prefix = `.${basename(file)}.`;
  for (const entry of io.readdirSync(dir)) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const data = join(dir, entry);
    if (data === own || inodeOf(data) !== claimed) continue;
    try {
      io.renameSync(data, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    removeQuietly(claim);
    return 'moved';
  }
  return 'busy';
}

/**
 * Settles the claims in folder `dir` that writers left (see above; `entries` is its listing): a claim over
 * the current state (`keyOf` reads a document's current key) is a write committed but not installed, which
 * is installed now, as the next writer would; one over a state that is gone can never land, and is removed
 * with its data. A stalled writer whose claim is settled so finds its write landed, or its state moved.
 */
export function settleClaims(
  dir: string,
  entries: readonly string[],
  keyOf: (file: string) => string | null,
): void {
  for (const entry of entries) {
    const claimed = CLAIM.exec(entry);
    if (claimed === null) continue;
    const [, document, key] = claimed as unknown as [string, string, string];
    const file = join(dir, document);
    const claim = join(dir, entry);
    const ino = inodeOf(claim);
    const current = keyOf(file) === key;
    for (const other of entries) {
      if (!other.startsWith(`.${document}.`) || !other.endsWith('.tmp')) continue;
      const data = join(dir, other);
      if (inodeOf(data) !== ino) continue;
      if (current) installQuietly(data, file);
      else removeQuietly(data);
    }
    removeQuietly(claim);
  }
}

// A rename of claimed data that another writer may have made first (then there is nothing to do).
function installQuietly(data: string, file: string): void {
  try {
    io.renameSync(data, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

// `.<name>.jsonl.<key>.claim`: the document's file name and the key of the state it claimed.
const CLAIM = /^\.(.+\.jsonl)\.([A-Za-z0-9_-]+)\.claim$/;

function inodeOf(path: string): number {
  try {
    return io.lstatSync(path).ino;
  } catch {
    return -1;
  }
}
