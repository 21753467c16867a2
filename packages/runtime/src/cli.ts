import { processPrompter } from './cli/confirm.js';
import { main } from './cli/main.js';

// The `omega` binary: the words after `omega`, this process's terminal, and a signal that Ctrl-C (or a
// SIGTERM) aborts, so a followed tail ends cleanly with exit 0 instead of being killed mid-write.
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

process.exitCode = await main(process.argv.slice(2), {
  terminal: { stdout: process.stdout, stderr: process.stderr, env: process.env },
  prompter: processPrompter(),
  signal: stop.signal,
});
