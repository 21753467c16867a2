import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLog, rejectionOf, thrownBy, writeLog } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { describeSecurityProvider } from '../src/conformance.js';
import { FilesystemSecurityProvider } from '../src/filesystem.js';
import { samplePolicy, sampleRequest } from '../src/methods.js';

describeSecurityProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-security-');
    return { provider: new FilesystemSecurityProvider({ root: dir, durable: false }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemSecurityProvider({ root: provider.root, durable: false }) },
);

async function withRoot(run: (root: string) => Promise<void>): Promise<void> {
  const { dir, remove } = await tempDir('omega-security-');
  try {
    await run(dir);
  } finally {
    await remove();
  }
}

const policyFile = (root: string) => join(root, 'security', 'policy.json');
const auditFile = (root: string) => join(root, 'security-audit', 'audit.log');

async function writePolicy(root: string, text: string): Promise<void> {
  await mkdir(join(root, 'security'), { recursive: true });
  await writeFile(policyFile(root), text);
}

describe('FilesystemSecurityProvider: policy.json', () => {
  it('reads <root>/security/policy.json at construction and decides by it', async () => {
    await withRoot(async (root) => {
      await writePolicy(root, JSON.stringify(samplePolicy()));
      const provider = new FilesystemSecurityProvider({ root });
      expect(provider.check(sampleRequest())).toMatchObject({ allowed: true, rules: ['read-srv'] });
      expect(provider.policy()).toEqual(samplePolicy());
      await provider.close();
    });
  });

  it('refuses a file with a bad rule with a CorruptDataError naming the file, the rule and the path', async () => {
    await withRoot(async (root) => {
      const policy = samplePolicy();
      policy.rules[1]!.resources = ['/srv/%2e%2e/etc'];
      await writePolicy(root, JSON.stringify(policy));
      const error = thrownBy(() => new FilesystemSecurityProvider({ root }), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({
        kind: 'security',
        file: policyFile(root),
        rule: 'no-secret-writes',
        path: '$.rules[1].resources[0]',
      });
      for (const [text, path] of [
        ['{"rules": [{"id": "r", "effect": "maybe"}]}', '$.rules[0].effect'],
        ['{"rules": 3}', '$.rules'],
      ] as const) {
        await writePolicy(root, text);
        expect(thrownBy(() => new FilesystemSecurityProvider({ root }), 'CORRUPT_DATA').details.path).toBe(
          path,
        );
      }
      await writePolicy(root, '{"rules": [');
      expect(thrownBy(() => new FilesystemSecurityProvider({ root }), 'CORRUPT_DATA').details.file).toBe(
        policyFile(root),
      );
    });
  });

  it('refuses a symlinked policy file, a directory in its place and a symlinked folder', async () => {
    await withRoot(async (root) => {
      await writeFile(join(root, 'elsewhere.json'), JSON.stringify(samplePolicy()));
      await mkdir(join(root, 'security'));
      await symlink(join(root, 'elsewhere.json'), policyFile(root));
      expect(thrownBy(() => new FilesystemSecurityProvider({ root }), 'CORRUPT_DATA').details.reason).toBe(
        'symlink',
      );
    });
    await withRoot(async (root) => {
      await mkdir(policyFile(root), { recursive: true });
      thrownBy(() => new FilesystemSecurityProvider({ root }), 'CORRUPT_DATA');
    });
    await withRoot(async (root) => {
      await mkdir(join(root, 'real'));
      await symlink(join(root, 'real'), join(root, 'security'));
      thrownBy(() => new FilesystemSecurityProvider({ root }), 'CORRUPT_DATA');
    });
  });

  it('refuses a policy option other than the stored policy, and takes the same one', async () => {
    await withRoot(async (root) => {
      await writePolicy(root, JSON.stringify(samplePolicy()));
      thrownBy(() => new FilesystemSecurityProvider({ root, policy: { rules: [] } }), 'CONFLICT');
      const same = new FilesystemSecurityProvider({ root, policy: samplePolicy() });
      expect(same.policy()).toEqual(samplePolicy());
      await same.close();
    });
  });

  it('writes setPolicy atomically as policy.json (0600), read by a new provider', async () => {
    await withRoot(async (root) => {
      const provider = new FilesystemSecurityProvider({ root });
      await provider.setPolicy(samplePolicy());
      expect(JSON.parse(await readFile(policyFile(root), 'utf8'))).toEqual(samplePolicy());
      expect((await stat(policyFile(root))).mode & 0o777).toBe(0o600);
      const again = new FilesystemSecurityProvider({ root });
      expect(again.check(sampleRequest()).allowed).toBe(true);
      await Promise.all([provider.close(), again.close()]);
    });
  });

  it('reloads a policy a person edited, recording its load with its hash before the next decision', async () => {
    await withRoot(async (root) => {
      const provider = new FilesystemSecurityProvider({ root });
      await rejectionOf(() => provider.authorize(sampleRequest()), 'CAPABILITY_DENIED');
      await writePolicy(root, JSON.stringify(samplePolicy()));
      const hash = await provider.reloadPolicy();
      expect(await provider.reloadPolicy()).toBe(hash);
      expect((await provider.authorize(sampleRequest())).policyHash).toBe(hash);
      const actions = (await provider.auditLog()).map((event) => [event.action, event.policyHash === hash]);
      expect(actions).toEqual([
        ['policy.load', false],
        ['file.read', false],
        ['policy.load', true],
        ['file.read', true],
      ]);
      await provider.close();
    });
  });
});

describe('FilesystemSecurityProvider: a tampered audit', () => {
  async function audited(root: string): Promise<string> {
    // The policy set alone, so that every append is a group of one record (what readLog edits).
    const provider = new FilesystemSecurityProvider({ root });
    await provider.setPolicy(samplePolicy());
    for (let i = 0; i < 5; i++) await provider.authorize(sampleRequest(i));
    await rejectionOf(
      () => provider.authorize({ ...sampleRequest(), action: 'file.write', resource: '/srv/secret/k' }),
      'CAPABILITY_DENIED',
    );
    const { checkpoint } = await provider.auditHead();
    await provider.close();
    return checkpoint;
  }

  it('catches a deny rewritten as an allow (framing recomputed) against a checkpoint kept elsewhere', async () => {
    await withRoot(async (root) => {
      const checkpoint = await audited(root);
      const lines = await readLog(auditFile(root));
      const last = lines.at(-1)!;
      lines[lines.length - 1] = { ...last, b: last.b.replace('"outcome":"deny"', '"outcome":"allow"') };
      await writeLog(auditFile(root), lines);
      const provider = new FilesystemSecurityProvider({ root });
      expect((await provider.auditLog()).at(-1)?.outcome).toBe('allow');
      const result = await provider.verifyAudit({ against: checkpoint });
      expect(result).toMatchObject({ ok: false, size: 7 });
      expect(result.reason).toMatch(/not those the checkpoint commits to/);
      await rejectionOf(() => provider.auditHead(), 'CORRUPT_DATA');
      await provider.close();
    });
  });

  it('catches records dropped from the end, and a record whose header disagrees with it, naming its seq', async () => {
    await withRoot(async (root) => {
      const checkpoint = await audited(root);
      const lines = await readLog(auditFile(root));
      await writeLog(auditFile(root), lines.slice(0, 4));
      const provider = new FilesystemSecurityProvider({ root });
      expect(await provider.verifyAudit({ against: checkpoint })).toMatchObject({ ok: false, size: 4 });
      await writeLog(auditFile(root), [
        ...lines.slice(0, 2),
        { ...lines[2]!, h: { ...lines[2]!.h, principal: 'user:eve' } },
      ]);
      const result = await provider.verifyAudit();
      expect(result).toMatchObject({ ok: false, size: 2, firstBadSeq: 2 });
      await rejectionOf(() => provider.auditLog(), 'CORRUPT_DATA');
      await provider.close();
    });
  });

  it('reports a line whose bytes no longer match its checksum as the first bad record', async () => {
    await withRoot(async (root) => {
      await audited(root);
      const text = await readFile(auditFile(root), 'utf8');
      // Not the last line: a damaged last line is what a crash mid-append leaves, and the log drops it. The
      // log port then reads none of the file, so no record is checked, and the bad one is named.
      await writeFile(
        auditFile(root),
        text.replace('\\"outcome\\":\\"allow\\"', '\\"outcome\\":\\"allxw\\"'),
      );
      const provider = new FilesystemSecurityProvider({ root });
      expect(await provider.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: 1, size: 0 });
      // A log too damaged to tell its size still gets its bad record named with a progress listener.
      const told: number[][] = [];
      expect(
        await provider.verifyAudit({ onProgress: (done, total) => told.push([done, total]) }),
      ).toMatchObject({ ok: false, firstBadSeq: 1, size: 0 });
      expect(told).toEqual([[0, 0]]);
      await provider.close();
    });
  });
});
