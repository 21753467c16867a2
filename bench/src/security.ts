import { createHash } from 'node:crypto';
import path from 'node:path';
import { compileCapabilities, logEntries } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import type { Policy } from '@omega/security';
import { FilesystemSecurityProvider } from '@omega/security/filesystem';
import { SecurityFront } from '@omega/security/front';
import { LocalSecurityProvider } from '@omega/security/memory';
import { compare } from './measure.js';
import type { Row } from './report.js';

const CALLERS = 64;
const RECORDS = 10_000;

/** A policy of 100 rules: 50 tenants, each with an allow of its tree and a deny of its secrets. */
function policyOf100(): Policy {
  return {
    rules: Array.from({ length: 50 }, (_, t) => [
      {
        id: `t${t}-read`,
        effect: 'allow' as const,
        principals: [`tenant${t}`],
        actions: ['doc.*'],
        resources: [`/t${t}/**`],
      },
      {
        id: `t${t}-secrets`,
        effect: 'deny' as const,
        principals: ['*'],
        actions: ['**'],
        resources: [`/t${t}/secret/**`],
      },
    ]).flat(),
  };
}

const request = (i: number) => ({
  principal: `tenant${i % 50}:u${i}`,
  action: 'doc.read',
  resource: `/t${i % 50}/a/${i}.md`,
});

/**
 * `check` on a 100-rule policy against one capability matcher of the same patterns asked the same
 * question; durable `authorize` from 64 concurrent callers against the log port's durable appends of the
 * same records; `redact` of a request-sized value against `structuredClone` of it (the copy redaction makes
 * anyway); `verifyAudit` of 10,000 records against reading them through the log port.
 */
export async function securityOperations(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const policy = policyOf100();
  const local = new LocalSecurityProvider({ policy });
  const matcher = compileCapabilities(
    policy.rules.flatMap((rule) =>
      rule.actions.flatMap((a) => rule.resources.map((r) => `${rule.effect === 'deny' ? '!' : ''}${a}:${r}`)),
    ),
  );
  let i = 0;
  rows.push({
    bench: 'check, 100 rules vs one capability matcher of their patterns',
    size: '1 request',
    ...(await compare(
      () => local.check(request(i++)),
      () => {
        const r = request(i++);
        return matcher.allows(`${r.action}:${r.resource}`);
      },
      9,
      2_000,
    )),
    sense: 'time',
  });

  const value = {
    prompt: 'Summarize the quarterly report for the board, in three bullet points.',
    headers: { authorization: 'Bearer 8f14e45fceea167a5a36dedd4bea2543', 'content-type': 'application/json' },
    trace: { traceId: createHash('md5').update('t').digest('hex'), spanId: '00f067aa0ba902b7' },
    digests: Array.from({ length: 8 }, (_, d) => createHash('sha256').update(String(d)).digest('hex')),
    tools: [{ name: 'grep', args: ['-r', 'TODO', 'src/'] }],
  };
  rows.push({
    bench: 'redact of a 1 KB request vs structuredClone of it',
    size: '1 value',
    ...(await compare(
      () => local.redact(value),
      () => structuredClone(value),
      9,
      2_000,
    )),
    sense: 'time',
  });
  await local.close();

  const provider = new FilesystemSecurityProvider({ root: path.join(root, 'security'), policy });
  const store = new FilesystemStore({ root: path.join(root, 'port') });
  const log = store.log(SecurityFront.LOG);
  try {
    await provider.authorize(request(0));
    const [last] = (await provider.auditLog()).slice(-1);
    const { principal, action, loggedAt, policyHash } = last!;
    const body = JSON.stringify(last);
    rows.push({
      bench: `durable authorize, ${CALLERS} concurrent callers vs the log port's appends of the same records`,
      size: `${CALLERS} decisions`,
      ...(await compare(
        () => Promise.all(Array.from({ length: CALLERS }, () => provider.authorize(request(i++)))),
        () =>
          Promise.all(
            Array.from({ length: CALLERS }, () =>
              log.append('audit', [{ header: { principal, action, loggedAt, policyHash }, body }]),
            ),
          ),
        9,
        1,
      )),
      sense: 'speed',
    });
  } finally {
    await provider.close();
    await store.close();
  }
  rows.push(await verifyOf(root));
  return rows;
}

async function verifyOf(root: string): Promise<Row> {
  const dir = path.join(root, 'verify');
  const provider = new FilesystemSecurityProvider({ root: dir, durable: false, policy: policyOf100() });
  const store = new FilesystemStore({ root: dir });
  const log = store.log(SecurityFront.LOG);
  try {
    for (let done = 0; done < RECORDS; done += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, k) => provider.authorize(request(done + k))));
    }
    const head = await provider.auditHead();
    const read = async () => {
      let count = 0;
      for await (const _ of logEntries(log, 'audit')) count++;
      return count;
    };
    return {
      bench: `verifyAudit against a checkpoint vs reading the records through the log port`,
      size: `${head.size} records`,
      ...(await compare(() => provider.verifyAudit({ against: head.checkpoint }), read, 5, 1)),
      sense: 'time',
    };
  } finally {
    await provider.close();
    await store.close();
  }
}
