import { describeProvenanceProvider } from '@omega/provenance/conformance';
import { ProvenanceFront } from '@omega/provenance/front';
import { onPostgres } from './fronts.js';

// The provenance family's suite, unchanged, each test on a schema of its own.
const provenance = onPostgres(
  (store) => new ProvenanceFront(store, {}, { provider: 'PostgresProvenanceProvider', ownsStore: true }),
);
describeProvenanceProvider('postgres', provenance.factory, { reopen: provenance.reopen });
