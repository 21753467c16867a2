import { createInterface } from 'node:readline';
import { FilesystemLogBackend } from '@omega/core/fs';
import { LOG_SPEC } from './log-data.js';

// The appender of the follower benchmark (log.ts): for each line on stdin, appends one entry (not
// durable) whose body is the wall-clock time just before the call, in milliseconds; prints "ack".
const [root, name] = process.argv.slice(2);
const log = new FilesystemLogBackend(LOG_SPEC, { root: root ?? '.', durable: false });
process.stdout.write('ready\n');
let seq = 0;
for await (const _line of createInterface({ input: process.stdin })) {
  const body = String(performance.timeOrigin + performance.now());
  await log.append(name ?? 'follow', [{ header: { at: seq++ }, body }]);
  process.stdout.write('ack\n');
}
await log.close();
