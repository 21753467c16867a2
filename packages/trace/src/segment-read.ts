import { Buffer } from 'node:buffer';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { checkStoreDirSync, io, refuseSymlinkSync } from '@omega/core/fs';
import type { TraceEvent } from './events.js';
import { runFolders, segmentFiles } from './retention.js';
import { corrupt, decodeLine, FORMAT, FORMAT_VERSION } from './rules.js';
import { SEGMENT_FILE } from './segment-file.js';

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const NEWLINE = 0x0a;

// The whole file, or null when it is gone (removed by a clear or retention since it was listed).
function readWhole(path: string): Buffer | null {
  let fd: number;
  try {
    fd = io.openSync(path, READ_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const stat = io.fstatSync(fd);
    if (!stat.isFile()) throw corrupt({ file: path, offset: 0 }, '$', 'not a regular file');
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = io.readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    io.closeSync(fd);
  }
}

/**
 * The events of one trace file, each line checked. The first line names the format, the run and the
 * writer, which are every event's (lines do not repeat them). A last line without its newline is a write
 * under way or cut short by a crash: it is not an event yet, and is skipped.
 */
export function readSegment(path: string, runId: string, writer: string): TraceEvent[] {
  const bytes = readWhole(path);
  if (bytes === null) return [];
  const events: TraceEvent[] = [];
  let start = 0;
  for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
    const text = bytes.toString('utf8', start, end);
    const source = { file: path, offset: start };
    if (start === 0) checkHeader(text, source, runId, writer);
    else events.push(decodeLine(text, { runId, writer }, source));
    start = end + 1;
  }
  return events;
}

function checkHeader(text: string, source: { file: string; offset: number }, runId: string, writer: string) {
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw corrupt(source, '$', 'the header line is not JSON', error);
  }
  if (typeof header !== 'object' || header === null || header.format !== FORMAT) {
    throw corrupt(source, '$.format', `not a ${FORMAT} file`);
  }
  if (!(Number.isSafeInteger(header.version) && (header.version as number) >= 1)) {
    throw corrupt(source, '$.version', 'a format version must be a positive integer');
  }
  if ((header.version as number) > FORMAT_VERSION) {
    throw corrupt(source, '$.version', `format version ${header.version} is newer than ${FORMAT_VERSION}`);
  }
  if (header.runId !== runId) throw corrupt(source, '$.runId', `the header names another run`);
  if (header.writer !== writer) throw corrupt(source, '$.writer', `the header names another writer`);
}

/** Every event stored under the trace folder `dir` for `runId` (every run when undefined). */
export function readRuns(dir: string, runId: string | undefined): TraceEvent[] {
  const events: TraceEvent[] = [];
  if (!checkStoreDirSync(dir)) return events;
  for (const run of runId === undefined ? runFolders(dir) : [runId]) {
    const runDir = join(dir, run);
    refuseSymlinkSync(runDir);
    for (const name of segmentFiles(runDir)) {
      const writer = (SEGMENT_FILE.exec(name) as RegExpExecArray)[1] as string;
      for (const event of readSegment(join(runDir, name), run, writer)) events.push(event);
    }
  }
  return events;
}
