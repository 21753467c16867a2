import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactFront } from '@omega/artifact/front';
import type {
  BlobBackend,
  BlobSpec,
  DocumentBackend,
  DocumentSpec,
  LogBackend,
  LogEntry,
  LogSpec,
} from '@omega/core';
import { GovernanceFront } from '@omega/governance/front';
import { LogicFront } from '@omega/logic/front';
import { ProvenanceFront } from '@omega/provenance/front';
import { ReceiptFront } from '@omega/receipt/front';
import { SecurityFront } from '@omega/security/front';
import { SessionFront } from '@omega/session/front';
import { SnapshotFront } from '@omega/snapshot/front';
import { StateFront } from '@omega/state/front';
import { StreamFront } from '@omega/stream/front';
import { EffectJournal, JOURNAL } from '../journal.js';
import { EXPERTS_FOLDER, type StoreRoot } from './store.js';

/** Something doctor found wrong: the item (a name, a log, a digest), its file when known, and why. */
export interface Finding {
  item: string;
  file?: string;
  error: string;
}

/** What doctor found of one family. */
export interface FamilyReport {
  family: string;
  /** Items read and validated: documents, log entries, blobs, events, files. */
  checked: number;
  problems: Finding[];
}

/** One family's check: reads everything the family stores under the root, recording what fails. */
export type FamilyCheck = (store: StoreRoot, report: FamilyReport) => Promise<void>;

const ALL = { limit: Number.POSITIVE_INFINITY };
// Entries per read of a log walk: bounds memory on a long log while keeping reads few.
const LOG_PAGE = 1024;

function finding(item: string, error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  const details = (error as { details?: { file?: unknown } } | null)?.details;
  return typeof details?.file === 'string'
    ? { item, file: details.file, error: message }
    : { item, error: message };
}

/** Runs `check` for `item`, recording a throw as a finding: one bad item never hides the next. */
async function attempt(
  report: FamilyReport,
  item: string,
  check: () => Promise<unknown> | unknown,
): Promise<void> {
  try {
    await check();
  } catch (error) {
    const found = finding(item, error);
    // One damaged file fails every read through it: the first finding names it, the others add nothing.
    if (!report.problems.some((other) => other.error === found.error)) report.problems.push(found);
  }
}

/** The listing `list` makes, or none when listing fails (recorded as a finding of the folder). */
async function listed(
  report: FamilyReport,
  folder: string,
  list: () => Promise<string[]>,
): Promise<string[]> {
  let names: string[] = [];
  await attempt(report, folder, async () => {
    names = await list();
  });
  return names;
}

/** Every document of `spec`'s folder: its frame and header through the port, its body through `load`. */
async function documents<H>(
  store: StoreRoot,
  report: FamilyReport,
  spec: DocumentSpec<H>,
  load: (name: string) => Promise<unknown> | unknown,
): Promise<string[]> {
  const port: DocumentBackend<H> = store.store.documents(spec);
  const names = await listed(report, spec.folder, () => port.names(ALL));
  for (const name of names) {
    report.checked += 1;
    await attempt(report, `${spec.folder}/${name}`, async () => {
      await port.read(name);
      await load(name);
    });
  }
  return names;
}

/**
 * Every entry of every log of `spec`'s folder, read back (checksums, framing, headers), each handed to
 * `entry` (whose throw is a finding of that entry).
 */
async function logs<H>(
  store: StoreRoot,
  report: FamilyReport,
  spec: LogSpec<H>,
  entry?: (log: string, entry: LogEntry<H>) => Promise<unknown>,
): Promise<string[]> {
  const port: LogBackend<H> = store.store.log(spec);
  const names = await listed(report, spec.folder, () => port.logs(ALL));
  for (const name of names) {
    await attempt(report, `${spec.folder}/${name}`, async () => {
      for (let from = 0; ; ) {
        const page = await port.read(name, { from, limit: LOG_PAGE });
        if (page.length === 0) break;
        from += page.length;
        report.checked += page.length;
        if (entry === undefined) continue;
        for (const each of page) {
          await attempt(report, `${spec.folder}/${name}#${each.position}`, () => entry(name, each));
        }
      }
    });
  }
  return names;
}

/** Every blob of `spec`'s folder, read back (its SHA-256 checked against its name). */
async function blobs(store: StoreRoot, report: FamilyReport, spec: BlobSpec): Promise<void> {
  const port: BlobBackend = store.store.blobs(spec);
  for (const digest of await listed(report, spec.folder, () => port.digests(ALL))) {
    report.checked += 1;
    await attempt(report, `${spec.folder}/${digest}`, () => port.get(digest));
  }
}

async function directories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

/** The checks of `omega doctor`, one per family, in the order the runtime creates the families. */
export const FAMILY_CHECKS: ReadonlyArray<readonly [string, FamilyCheck]> = [
  [
    'state',
    async (store, report) => {
      const states = store.states();
      await documents(store, report, StateFront.DOCUMENTS, (name) => states.loadState(name));
    },
  ],
  [
    'session',
    async (store, report) => {
      const sessions = store.sessions();
      await documents(store, report, SessionFront.DOCUMENTS, (name) => sessions.load(name));
    },
  ],
  [
    'snapshot',
    async (store, report) => {
      const snapshots = store.snapshots();
      await documents(store, report, SnapshotFront.DOCUMENTS, (name) => snapshots.load(name));
    },
  ],
  [
    'receipt',
    async (store, report) => {
      await logs(store, report, ReceiptFront.LOG);
      await blobs(store, report, ReceiptFront.BLOBS);
      await attempt(report, 'receipt tree', async () => {
        const result = await store.receipts().verify();
        if (!result.ok) {
          throw new Error(
            `receipt ${result.firstBadSeq ?? '?'} of ${result.size}: ${result.reason ?? 'altered'}`,
          );
        }
      });
    },
  ],
  [
    'trace',
    async (store, report) => {
      const traces = store.traces();
      for (const runId of await directories(join(store.root, 'traces'))) {
        await attempt(report, `traces/${runId}`, async () => {
          for await (const _event of traces.query({ runId })) report.checked += 1;
        });
      }
    },
  ],
  [
    // The runtime's effect journal (exactly-once results by dispatch key), kept beside the families.
    'effects',
    async (store, report) => {
      const journal = new EffectJournal(store.store);
      const port = store.store.documents(JOURNAL);
      await documents(store, report, JOURNAL, async (name) => {
        const stored = await port.read(name);
        if (stored !== null) await journal.get(stored.header.key);
      });
    },
  ],
  [
    'governance',
    async (store, report) => {
      await documents(store, report, GovernanceFront.DOCUMENTS, (name) => store.budget(name).report());
    },
  ],
  [
    'artifact',
    async (store, report) => {
      await documents(store, report, ArtifactFront.DOCUMENTS, () => undefined);
      await blobs(store, report, ArtifactFront.BLOBS);
      await attempt(report, 'artifact index', () => store.artifacts().stats());
    },
  ],
  [
    'logic',
    async (store, report) => {
      for (const name of await logs(store, report, LogicFront.LOG)) {
        await attempt(report, `fact base ${name}`, () => store.logic(name).count());
      }
    },
  ],
  [
    'stream',
    async (store, report) => {
      const streams = store.streams();
      for (const id of await logs(store, report, StreamFront.LOG)) {
        await attempt(report, `stream ${id}`, async () => {
          await streams.info(id);
          for await (const _chunk of streams.read(id));
        });
      }
    },
  ],
  [
    'security',
    async (store, report) => {
      await logs(store, report, SecurityFront.LOG);
      await documents(store, report, SecurityFront.DOCUMENTS, () => undefined);
      await attempt(report, 'security audit', async () => {
        const result = await store.audit().verifyAudit();
        if (!result.ok) {
          throw new Error(
            `audit record ${result.firstBadSeq ?? '?'} of ${result.size}: ${result.reason ?? 'altered'}`,
          );
        }
      });
      // The policy file is read and validated as the runtime opens the family.
      const policy = join(store.root, 'security', 'policy.json');
      if ((await stat(policy).catch(() => null)) !== null) {
        report.checked += 1;
        await attempt(report, 'security/policy.json', () => store.security());
      }
    },
  ],
  [
    'provenance',
    async (store, report) => {
      // The index snapshot is a cache the front rebuilds from the log, but a damaged file is still named.
      await documents(store, report, ProvenanceFront.SNAPSHOTS, () => undefined);
      const evidence = store.provenance();
      await logs(store, report, ProvenanceFront.LOG, (_log, entry) => evidence.get(entry.header.id));
    },
  ],
  [
    'expert',
    async (store, report) => {
      const dir = join(store.root, EXPERTS_FOLDER);
      if ((await stat(dir).catch(() => null)) === null) return;
      await attempt(report, EXPERTS_FOLDER, () => {
        report.checked += store.experts(dir).list().length;
      });
    },
  ],
];
