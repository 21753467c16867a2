import { describeLogBackend, LOG_CONTRACT_SPEC } from '@omega/core/testing';
import * as vitest from 'vitest';
import { portOnPostgres } from './server.js';

const { open, options } = portOnPostgres((store) => store.log(LOG_CONTRACT_SPEC));
describeLogBackend(vitest, 'PostgresStore.log', open, { ...options, timeoutMs: 30_000 });
