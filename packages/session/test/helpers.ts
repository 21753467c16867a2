import { fileURLToPath } from 'node:url';
import { emptyState } from '@omega/core';
import { assertBuilt } from '@omega/test-kit';
import type { SessionData } from '../src/index.js';

/** A small session whose content depends on `tag`. */
export function session(tag: string): SessionData {
  return {
    state: { ...emptyState(), control: ['eval', tag], store: { 'addr-1': tag }, step: 1 },
    meta: { tag },
  };
}

/** Path of a file in test/fixtures: the children the slow tests start. */
export function fixture(file: string): string {
  return fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
}

/** Fails clearly when the package is not built: the fixtures import `@omega/session/filesystem`. */
export function assertSessionBuilt(): Promise<void> {
  return assertBuilt(fileURLToPath(new URL('../dist/filesystem.js', import.meta.url)));
}
