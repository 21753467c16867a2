import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '@omega/core/testing';
import { assertBuilt, type ChildProcessLines, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { FilesystemSecurityProvider } from '../src/filesystem.js';
import type { Policy } from '../src/index.js';

const test = testWithTempDir('omega-security-');

/** The child: authorizes requests through the built package (see its header). */
const AUTHORIZER = fileURLToPath(new URL('./fixtures/authorizer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/filesystem.js', import.meta.url));
const ACK = /^ack (\d+) ([0-9a-f]{64})$/;

const POLICY: Policy = {
  rules: [
    { id: 'read-own', effect: 'allow', principals: ['user'], actions: ['file.read'], resources: ['/srv/**'] },
  ],
};

async function storeWithPolicy(dir: string): Promise<void> {
  await mkdir(join(dir, 'security'), { recursive: true });
  await writeFile(join(dir, 'security', 'policy.json'), JSON.stringify(POLICY));
}

async function started(dir: string, name: string): Promise<ChildProcessLines> {
  const child = spawnChild(AUTHORIZER, [dir, name]);
  expect(await child.nextLine()).toBe('ready');
  return child;
}

/** The request indices a child acknowledged. */
function acked(child: ChildProcessLines): number[] {
  return child.lines.flatMap((line) => {
    const match = ACK.exec(line);
    return match === null ? [] : [Number(match[1])];
  });
}

describe('FilesystemSecurityProvider across processes', () => {
  beforeAll(() => assertBuilt(DIST));

  test('chains the records of three processes authorizing at once: each once, numbered in order, one policy load', async ({
    dir,
  }) => {
    await storeWithPolicy(dir);
    const names = ['ann', 'ben', 'cy'];
    const children = await Promise.all(names.map((name) => started(dir, name)));
    for (const child of children) child.child.stdin.write('go 0 25\n');
    for (const child of children) expect((await child.exited).code).toBe(0);
    const provider = new FilesystemSecurityProvider({ root: dir });
    const log = await provider.auditLog();
    expect(log.map((event) => event.seq)).toEqual(log.map((_, i) => i));
    for (let i = 1; i < log.length; i++)
      expect(log[i]!.loggedAt).toBeGreaterThanOrEqual(log[i - 1]!.loggedAt);
    expect(log.filter((event) => event.action === 'policy.load')).toHaveLength(1);
    for (const name of names) {
      const resources = log
        .filter((event) => event.principal === `user:${name}`)
        .map((event) => event.resource);
      expect(resources.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `/srv/${name}/${i}`).sort());
    }
    expect(await provider.verifyAudit()).toEqual({ ok: true, size: 76 });
    await provider.close();
  });

  test('keeps every acknowledged decision through kill -9 at seeded moments, and the audit verifies', async ({
    dir,
  }) => {
    await storeWithPolicy(dir);
    const random = mulberry32(0x19);
    const first = new FilesystemSecurityProvider({ root: dir });
    await first.authorize({ principal: 'user:zed', action: 'file.read', resource: '/srv/zed/0' });
    const { checkpoint } = await first.auditHead();
    await first.close();
    const survivors: Array<{ name: string; acks: number[] }> = [];
    for (let round = 0; round < 4; round++) {
      const name = `k${round}`;
      const child = await started(dir, name);
      child.child.stdin.write('go 0 1000\n');
      // Killed after a seeded number of acknowledgements: mid-append or between appends.
      const wait = 1 + Math.floor(random() * 15);
      for (let seen = 0; seen < wait; seen++) expect(await child.nextLine()).toMatch(ACK);
      child.child.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      survivors.push({ name, acks: acked(child) });
    }
    const provider = new FilesystemSecurityProvider({ root: dir });
    expect(await provider.verifyAudit({ against: checkpoint })).toMatchObject({ ok: true });
    const log = await provider.auditLog();
    expect(log.map((event) => event.seq)).toEqual(log.map((_, i) => i));
    for (const { name, acks } of survivors) {
      const recorded = new Set(
        log.filter((event) => event.principal === `user:${name}`).map((event) => event.resource),
      );
      for (const i of acks) expect(recorded.has(`/srv/${name}/${i}`), `${name} ${i}`).toBe(true);
    }
    expect(
      (await provider.authorize({ principal: 'user:after', action: 'file.read', resource: '/srv/x' }))
        .allowed,
    ).toBe(true);
    await provider.close();
  });
});
