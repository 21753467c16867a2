import type { Policy } from '@omega/security';
import { describeSecurityProvider } from '@omega/security/conformance';
import { SecurityFront } from '@omega/security/front';
import { onPostgres } from './fronts.js';

// The policy is read synchronously (every `check` decides by it), so it cannot live on a server: a
// deployment keeps it in its configuration or a file (`policyStore`). Here one policy per schema, shared by
// the providers over that schema as a file would be; the audit, what the suite checks, is on PostgreSQL.
const policies = new Map<string, Policy>();

// The security family's suite, unchanged, each test on a schema of its own.
const security = onPostgres((store) => {
  const schema = store.database.schemaName;
  const policyStore = {
    location: `test policy of schema ${schema}`,
    read: () => policies.get(schema),
    write: async (policy: Policy) => {
      policies.set(schema, policy);
    },
  };
  return new SecurityFront(store, { policyStore }, { provider: 'PostgresSecurityProvider', ownsStore: true });
});
describeSecurityProvider('postgres', security.factory, { reopen: security.reopen });
