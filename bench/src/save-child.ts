import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { sessionOfSize } from './data.js';

// Run under strace by syscalls.ts: one save to open the store and create the session, then `saves` more.
const [root, durable, saves] = process.argv.slice(2);
const provider = new FilesystemSessionProvider({ root: root ?? '.', durable: durable === 'true' });
const data = sessionOfSize(1024);
await provider.save('small', data);
for (let i = 0; i < Number(saves); i++) await provider.save('small', data);
await provider.close();
