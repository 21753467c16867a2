import { isOmegaError } from '@omega/core';
import { runWithFault } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { FilesystemSecurityProvider } from '../src/filesystem.js';
import { samplePolicy, sampleRequest } from '../src/methods.js';

const WRITES = /^(writev|fsync|fdatasync)/;

/** A store whose policy allows the request, with one decision recorded; `run` gets its provider. */
async function withStore(
  run: (provider: FilesystemSecurityProvider, root: string) => Promise<void>,
): Promise<void> {
  const { dir, remove } = await tempDir('omega-security-');
  const provider = new FilesystemSecurityProvider({ root: dir, policy: samplePolicy() });
  try {
    await provider.authorize(sampleRequest(0));
    await run(provider, dir);
  } finally {
    await provider.close();
    await remove();
  }
}

describe('authorize when the audit cannot be written', () => {
  it('rejects an allow when the disk is full (ENOSPC at each write of its record); a reader sees no allow it acted on', async () => {
    let calls: string[] = [];
    await withStore(async (provider) => {
      calls = (await runWithFault(() => provider.authorize(sampleRequest(1)))).calls;
    });
    const writes = calls.flatMap((call, i) => (WRITES.test(call) ? [i + 1] : []));
    expect(writes.length).toBeGreaterThan(0);
    for (const at of writes) {
      await withStore(async (provider, root) => {
        const run = await runWithFault(() => provider.authorize(sampleRequest(1)), { at, fault: 'ENOSPC' });
        expect(run.injected?.call).toBe(calls[at - 1]);
        expect(run.outcome.ok, `ENOSPC at ${calls[at - 1]} must reject`).toBe(false);
        const error = run.outcome.ok ? null : run.outcome.error;
        expect(isOmegaError(error, 'STORAGE_FAILURE')).toBe(true);
        expect((error as { details: { errno?: string } }).details.errno).toBe('ENOSPC');
        const reader = new FilesystemSecurityProvider({ root });
        const log = await reader.auditLog();
        // No record, or (when only its sync failed) the record of an allow the caller was told not to act on.
        expect(log.length === 2 || log.at(-1)?.resource === sampleRequest(1).resource).toBe(true);
        expect((await reader.verifyAudit()).ok).toBe(true);
        await reader.close();
        // The provider goes on once the disk has room.
        expect((await provider.authorize(sampleRequest(2))).allowed).toBe(true);
      });
    }
  });
});
