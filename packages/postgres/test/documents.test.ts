import { DOCUMENT_CONTRACT_SPEC, describeDocumentBackend } from '@omega/core/testing';
import * as vitest from 'vitest';
import { portOnPostgres } from './server.js';

const { open, options } = portOnPostgres((store) => store.documents(DOCUMENT_CONTRACT_SPEC));
describeDocumentBackend(vitest, 'PostgresStore.documents', open, options);
