import { constants } from 'node:fs';
import { join } from 'node:path';
import { CorruptDataError } from '@omega/core';
import {
  asStorageFailure,
  checkStoreDirSync,
  io,
  openStoreDirSync,
  refuseNonFileSync,
  writeFileAtomic,
} from '@omega/core/fs';
import type { Policy } from './index.js';
import type { PolicyStore } from './policy-store.js';
import { KIND } from './rules.js';

const FOLDER = 'security';
const FILE = 'policy.json';
// A policy is a page of rules: anything larger is not one a person wrote.
const MAX_BYTES = 16 * 1024 * 1024;
// O_NOFOLLOW: a symlink planted between the check and the open is refused too.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * The filesystem backend's policy: `<root>/security/policy.json`, plain JSON a person may write, read with
 * the store's care (no symlinks, a regular file) and replaced atomically (durably unless told otherwise).
 */
export class PolicyFile implements PolicyStore {
  readonly location: string;

  constructor(
    private readonly root: string,
    private readonly durable: boolean,
  ) {
    this.location = join(root, FOLDER, FILE);
  }

  read(): unknown {
    const file = this.location;
    let text: string;
    try {
      if (!checkStoreDirSync(join(this.root, FOLDER))) return undefined;
      refuseNonFileSync(file);
      const bytes = readWhole(file);
      if (bytes === null) return undefined;
      text = bytes.toString('utf8');
    } catch (error) {
      throw asStorageFailure(error, { kind: KIND, operation: 'read policy', file });
    }
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw corrupt(file, 'not JSON', cause);
    }
  }

  async write(policy: Policy): Promise<void> {
    const file = this.location;
    try {
      openStoreDirSync(this.root, FOLDER);
      await writeFileAtomic(file, `${JSON.stringify(policy, null, 2)}\n`, { durable: this.durable });
    } catch (error) {
      throw asStorageFailure(error, { kind: KIND, operation: 'write policy', file });
    }
  }
}

function corrupt(file: string, reason: string, cause?: unknown): CorruptDataError {
  return new CorruptDataError(`the security policy ${file} is corrupt: ${reason}`, {
    cause,
    details: { kind: KIND, file, reason },
  });
}

/** The bytes of regular file `file`, or null when there is none. */
function readWhole(file: string): Buffer | null {
  let fd: number;
  try {
    fd = io.openSync(file, READ_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const { size } = io.fstatSync(fd);
    if (size > MAX_BYTES) throw corrupt(file, `larger than ${MAX_BYTES} bytes`);
    const bytes = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const count = io.readSync(fd, bytes, read, size - read, read);
      if (count === 0) break;
      read += count;
    }
    return bytes.subarray(0, read);
  } finally {
    io.closeSync(fd);
  }
}
