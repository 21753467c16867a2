import { FilesystemLogicProvider } from './src/filesystem.ts';

const p = new FilesystemLogicProvider({ root: '/tmp/lg' });
const f = p.getFacts();
console.log(
  f.length,
  f.filter((x) => x.startsWith('(scratch')),
  f.filter((x) => x.startsWith('(shared')).length,
);
for (let i = 0; i < 4; i++) {
  const m = f.filter((x) => x.startsWith(`(made p${i} `));
  const missing = [];
  for (let k = 0; k < 150; k++) if (!m.includes(`(made p${i} n${k})`)) missing.push(k);
  console.log(i, m.length, missing.join(','));
}
