import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemSecurityProvider } from '../src/filesystem.js';
import { samplePolicy, sampleRequest } from '../src/methods.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run.
const now = () => 1_700_000_000_000;
const open = (root: string) => new FilesystemSecurityProvider({ root, now });
const observe = async (provider: FilesystemSecurityProvider) => ({
  log: await provider.auditLog(),
  policy: provider.policy(),
  verified: await provider.verifyAudit(),
});
const next = (provider: FilesystemSecurityProvider) =>
  provider.audit({ principal: 'user:next', action: 'x', resource: 'r', outcome: 'ok' });
const existing = async (provider: FilesystemSecurityProvider) => {
  await provider.setPolicy(samplePolicy());
  await provider.authorize(sampleRequest(1));
};

describeInjectedFaults(vitest, {
  kind: 'security',
  open,
  paths: {
    // The audit test of the issue: ENOSPC (and EIO, EACCES, EMFILE, a short write) at every call of the
    // decision's append rejects the authorization, and a fresh provider sees no record of it.
    'authorize of a first decision': {
      run: (p) => p.authorize(sampleRequest(1)).catch(denied),
      observe,
      next,
    },
    'authorize after others': { prepare: existing, run: (p) => p.authorize(sampleRequest(2)), observe, next },
    'audit of an event': {
      prepare: existing,
      run: (p) => p.audit({ principal: 'user:a', action: 'tool.run', resource: 't', outcome: 'ok' }),
      observe,
      next,
    },
    setPolicy: { prepare: existing, run: (p) => p.setPolicy({ rules: [] }), observe, next },
    auditHead: { prepare: existing, run: (p) => p.auditHead(), observe, next },
  },
});

// A denial is the decision's outcome, not a failure: the record of it is what the path writes.
function denied(error: unknown): void {
  if ((error as { code?: string }).code !== 'CAPABILITY_DENIED') throw error;
}
