import type { MethodTable } from '@omega/core';
import type { AccessRequest, Policy, SecurityProvider } from './index.js';

/** A valid request for method samples. */
export function sampleRequest(seed = 0): AccessRequest {
  return { principal: 'user:alice', action: 'file.read', resource: `/srv/data/${seed}.csv` };
}

/** A valid policy for method samples: alice may read `/srv/**`, nobody may write `/srv/secret/**`. */
export function samplePolicy(): Policy {
  return {
    rules: [
      {
        id: 'read-srv',
        effect: 'allow',
        principals: ['user:alice'],
        actions: ['file.read'],
        resources: ['/srv/**'],
      },
      {
        id: 'no-secret-writes',
        effect: 'deny',
        principals: ['*'],
        actions: ['file.write'],
        resources: ['/srv/secret/**'],
      },
    ],
  };
}

/** Every method of {@link SecurityProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  check: { sync: true, sample: () => [sampleRequest()] },
  authorize: { sample: () => [sampleRequest()] },
  audit: {
    sample: () => [{ principal: 'user:alice', action: 'tool.run', resource: 'tools/grep', outcome: 'ok' }],
  },
  auditLog: { sample: () => [{}] },
  verifyAudit: { sample: () => [{}] },
  redact: { sync: true, sample: () => [{ password: 'hunter2' }] },
  policy: { sync: true, sample: () => [] },
  setPolicy: { sample: () => [samplePolicy()] },
  reloadPolicy: { sample: () => [] },
  auditHead: { sample: () => [] },
  verifierKey: { sample: () => [] },
} satisfies MethodTable<SecurityProvider>;
