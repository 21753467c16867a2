// A hand-written scenario (nodenext, ESM) over the first three families; scripts/check-tarballs.mjs
// generates all.mts, which type-checks every subpath of every family from the family list.
import { decode, digestOf, emptyState, encode, isOmegaError } from '@omega/core';
import * as coreFs from '@omega/core/fs';
import { INVALID_NAMES, unstorableValues } from '@omega/core/testing';
import type { SessionData, SessionProvider } from '@omega/session';
import { describeSessionProvider } from '@omega/session/conformance';
import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { MemorySessionProvider } from '@omega/session/memory';
import { MockSessionProvider } from '@omega/session/mock';
import type { SnapshotProvider } from '@omega/snapshot';
import { describeSnapshotProvider } from '@omega/snapshot/conformance';
import { FilesystemSnapshotProvider } from '@omega/snapshot/filesystem';
import { MemorySnapshotProvider } from '@omega/snapshot/memory';
import { MockSnapshotProvider } from '@omega/snapshot/mock';
import type { StateProvider } from '@omega/state';
import { describeStateProvider } from '@omega/state/conformance';
import { FilesystemStateProvider } from '@omega/state/filesystem';
import { MemoryStateProvider } from '@omega/state/memory';
import { MockStateProvider } from '@omega/state/mock';

const data: SessionData = { state: emptyState(), meta: { n: 1n } };
const sessions: SessionProvider[] = [
  new MemorySessionProvider(),
  new FilesystemSessionProvider({ root: '.omega' }),
  new MockSessionProvider({ latencyMs: 0 }),
];
const snapshots: SnapshotProvider[] = [
  new MemorySnapshotProvider(),
  new FilesystemSnapshotProvider({ root: '.omega' }),
  new MockSnapshotProvider(),
];
const states: StateProvider[] = [
  new MemoryStateProvider(),
  new FilesystemStateProvider({ root: '.omega' }),
  new MockStateProvider(),
];

export async function use(): Promise<number> {
  await sessions[0]?.save('a', data, { expectedVersion: 0 });
  const version: number | undefined = (await sessions[0]?.info('a'))?.version;
  const snapshot = await snapshots[0]?.import('x.jsonl', { overwrite: true });
  const state = states[0]?.createState();
  const digest: string = digestOf(decode(encode(state ?? null)));
  const mock = new MockSessionProvider();
  mock.failNext('load', new Error('boom'));
  const ok: boolean =
    isOmegaError(new Error(), 'NOT_FOUND') && INVALID_NAMES.length > 0 && unstorableValues().length > 0;
  const suites = [describeSessionProvider, describeSnapshotProvider, describeStateProvider];
  return (
    (version ?? 0) +
    digest.length +
    (snapshot?.name.length ?? 0) +
    Number(ok) +
    suites.length +
    Object.keys(coreFs).length +
    mock.calls.length
  );
}
