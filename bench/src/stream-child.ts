import { createInterface } from 'node:readline';
import { FilesystemStreamProvider } from '@omega/stream/filesystem';

// The writer of the cross-process stream benchmark (stream.ts): for each line on stdin, appends one
// chunk (durable) holding the wall-clock time just before the call, in milliseconds; prints "ack". At the
// end of stdin, ends the stream.
const [root, id] = process.argv.slice(2);
const stream = id ?? 'follow';
const provider = new FilesystemStreamProvider({ root: root ?? '.' });
await provider.create(stream);
process.stdout.write('ready\n');
for await (const _line of createInterface({ input: process.stdin })) {
  await provider.append(stream, { at: performance.timeOrigin + performance.now() });
  process.stdout.write('ack\n');
}
await provider.end(stream);
await provider.close();
