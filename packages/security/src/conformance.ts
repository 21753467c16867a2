import { openCheckpoint, PROGRESS_EVERY, verifierFromKey } from '@omega/core';
import {
  assertSameValue,
  type ConformanceOptions,
  describeConformance,
  type ProviderFixture,
  REFUSED_RESOURCES,
  rejectionOf,
  thrownBy,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import type { AccessRequest, AuditEvent, Policy, SecurityProvider } from './index.js';
import { METHODS, samplePolicy, sampleRequest } from './methods.js';
import { DEFAULT_REDACTION_RULES } from './redaction-rules.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of it afterwards. */
export type SecurityProviderFixture<P extends SecurityProvider = SecurityProvider> = ProviderFixture<P>;

/** Options of {@link describeSecurityProvider}: `reopen`, `timeoutMs`, `skip`. */
export type SecurityConformanceOptions<P extends SecurityProvider = SecurityProvider> = ConformanceOptions<P>;

const alice = (action: string, resource: string): AccessRequest => ({
  principal: 'user:alice',
  action,
  resource,
});

/** The records of decisions (not of policy loads and changes). */
async function decisions(provider: SecurityProvider): Promise<AuditEvent[]> {
  return (await provider.auditLog()).filter((event) => event.decisionId !== null);
}

/**
 * The `SecurityProvider` contract as a vitest suite. Call it at the top level of a test file; `factory` must
 * return a fresh provider over an empty store, with no policy (everything denied), for every test (the
 * suite closes it, then calls `cleanup`).
 *
 * @example
 * describeSecurityProvider('memory', async () => ({ provider: new LocalSecurityProvider() }));
 */
export function describeSecurityProvider<P extends SecurityProvider>(
  name: string,
  factory: () => Promise<SecurityProviderFixture<P>>,
  options: SecurityConformanceOptions<P> = {},
): void {
  const suite = { family: 'SecurityProvider', kind: KIND, methods: METHODS };
  describeConformance(
    vitest,
    suite,
    name,
    factory,
    options,
    ({ provider: current, group, reopen, fresh }) => {
      group('decisions', () => {
        it('denies by default, naming no rule', () => {
          const decision = current().check(sampleRequest());
          expect(decision).toMatchObject({ allowed: false, rules: [] });
          expect(decision.policyHash).toMatch(/^[0-9a-f]{64}$/);
        });

        it('allows what an allow rule covers, naming every matching allow', async () => {
          const policy = samplePolicy();
          policy.rules.push({
            id: 'read-all',
            effect: 'allow',
            principals: ['user'],
            actions: ['file.*'],
            resources: ['**'],
          });
          await current().setPolicy(policy);
          expect(current().check(alice('file.read', '/srv/a.csv'))).toMatchObject({
            allowed: true,
            rules: ['read-srv', 'read-all'],
          });
          expect(current().check(alice('file.read', '/etc/hosts'))).toMatchObject({
            allowed: true,
            rules: ['read-all'],
          });
        });

        it('lets a deny override every allow, naming every matching deny and no allow', async () => {
          const policy = samplePolicy();
          policy.rules.push(
            {
              id: 'write-srv',
              effect: 'allow',
              principals: ['*'],
              actions: ['file.write'],
              resources: ['/srv/**'],
            },
            {
              id: 'no-alice',
              effect: 'deny',
              principals: ['user:alice'],
              actions: ['**'],
              resources: ['/srv/secret/*'],
            },
          );
          await current().setPolicy(policy);
          expect(current().check(alice('file.write', '/srv/secret/k'))).toMatchObject({
            allowed: false,
            rules: ['no-secret-writes', 'no-alice'],
          });
          expect(current().check(alice('file.write', '/srv/open'))).toMatchObject({
            allowed: true,
            rules: ['write-srv'],
          });
        });

        it('gives one decision id per policy and request, and another for another of either', async () => {
          const first = current().check(sampleRequest(1));
          expect(current().check(sampleRequest(1)).decisionId).toBe(first.decisionId);
          expect(current().check(sampleRequest(2)).decisionId).not.toBe(first.decisionId);
          await current().setPolicy(samplePolicy());
          expect(current().check(sampleRequest(1)).decisionId).not.toBe(first.decisionId);
        });

        it('records nothing for a check', async () => {
          await current().setPolicy(samplePolicy());
          const before = (await current().auditLog()).length;
          current().check(sampleRequest());
          expect((await current().auditLog()).length).toBe(before);
        });

        for (const { resource, form } of REFUSED_RESOURCES) {
          it(`refuses a resource with ${form}, in check and authorize, recording nothing`, async () => {
            await current().setPolicy(allowAllPolicy());
            const before = (await current().auditLog()).length;
            const thrown = thrownBy(() => current().check(alice('file.read', resource)), 'INVALID_ARGUMENT');
            expect(thrown.details).toMatchObject({ kind: KIND, path: '$.resource' });
            await rejectionOf(() => current().authorize(alice('file.read', resource)), 'INVALID_ARGUMENT');
            expect((await current().auditLog()).length).toBe(before);
          });
        }

        it('refuses a malformed principal, action or context, and a policy with a bad rule, naming it', async () => {
          for (const [request, path] of [
            [{ ...sampleRequest(), principal: 'user alice' }, '$.principal'],
            [{ ...sampleRequest(), action: 'file.read:/x' }, '$.action'],
            [{ ...sampleRequest(), context: [1] }, '$.context'],
            [null, '$'],
          ] as const) {
            const error = thrownBy(() => current().check(request as AccessRequest), 'INVALID_ARGUMENT');
            expect(error.details.path).toBe(path);
          }
          const bad = samplePolicy();
          bad.rules[1]!.resources = ['/srv/../etc'];
          const error = await rejectionOf(() => current().setPolicy(bad), 'INVALID_ARGUMENT');
          expect(error.details).toMatchObject({ rule: 'no-secret-writes', path: '$.rules[1].resources[0]' });
          expect(current().policy()).toEqual({ rules: [] });
        });
      });

      group('authorization and audit', () => {
        it('resolves an allow once its record is in the audit, with the decision id, policy hash and rules', async () => {
          const hash = await current().setPolicy(samplePolicy());
          const request = { ...sampleRequest(3), context: { ticket: 'T-1' } };
          const decision = await current().authorize(request);
          expect(decision).toMatchObject({ allowed: true, rules: ['read-srv'], policyHash: hash });
          const [record] = await decisions(current());
          expect(record).toMatchObject({
            principal: request.principal,
            action: request.action,
            resource: request.resource,
            outcome: 'allow',
            decisionId: decision.decisionId,
            policyHash: hash,
            rules: ['read-srv'],
          });
          assertSameValue(record?.request, request);
        });

        it('rejects a deny with CapabilityDeniedError, after recording it', async () => {
          await current().setPolicy(samplePolicy());
          const request = alice('file.write', '/srv/secret/key');
          const error = await rejectionOf(() => current().authorize(request), 'CAPABILITY_DENIED');
          expect(error.details).toMatchObject({
            kind: KIND,
            rules: ['no-secret-writes'],
            resource: request.resource,
          });
          const [record] = await decisions(current());
          expect(record).toMatchObject({
            outcome: 'deny',
            rules: ['no-secret-writes'],
            decisionId: error.details.decisionId,
          });
        });

        it('records the policy in force before the first decision, and every change, with its hash', async () => {
          const empty = current().check(sampleRequest()).policyHash;
          await rejectionOf(() => current().authorize(sampleRequest()), 'CAPABILITY_DENIED');
          const hash = await current().setPolicy(samplePolicy(), { principal: 'user:admin' });
          await current().authorize(sampleRequest());
          const log = await current().auditLog();
          expect(log.map((event) => [event.action, event.policyHash])).toEqual([
            ['policy.load', empty],
            [sampleRequest().action, empty],
            ['policy.change', hash],
            [sampleRequest().action, hash],
          ]);
          expect(log[2]).toMatchObject({ principal: 'user:admin', rules: ['read-srv', 'no-secret-writes'] });
          expect(log[2]?.data).toMatchObject({ previousHash: empty, policy: samplePolicy() });
          expect(current().policy()).toEqual(samplePolicy());
        });

        it('numbers records from 0 in order, with log-assigned times that never decrease', async () => {
          await current().setPolicy(samplePolicy());
          await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              i % 2 === 0
                ? current().authorize(sampleRequest(i))
                : current().audit({
                    principal: 'user:bob',
                    action: 'tool.run',
                    resource: `t/${i}`,
                    outcome: 'ok',
                  }),
            ),
          );
          const log = await current().auditLog();
          expect(log.map((event) => event.seq)).toEqual(log.map((_, i) => i));
          for (let i = 1; i < log.length; i++)
            expect(log[i]!.loggedAt).toBeGreaterThanOrEqual(log[i - 1]!.loggedAt);
          expect(log.filter((event) => event.action === 'tool.run')).toHaveLength(10);
        });

        it('records caller events redacted, and filters by principal, action, since and limit', async () => {
          const recorded = await current().audit({
            principal: 'user:bob',
            action: 'tool.run',
            resource: 'tools/curl',
            outcome: 'ok',
            data: { headers: { Authorization: 'Bearer abc123' }, note: 'key AKIAZ3MSJX4TQ7LRWN5P used' },
          });
          expect(recorded.data).toEqual({
            headers: { Authorization: '[REDACTED:secret-key]' },
            note: 'key [REDACTED:aws-access-key-id] used',
          });
          await current().audit({
            principal: 'user:carol',
            action: 'tool.run',
            resource: 'tools/ls',
            outcome: 'failed',
          });
          await current().audit({
            principal: 'user:bob',
            action: 'file.read',
            resource: '/x',
            outcome: 'ok',
          });
          const bob = await current().auditLog({ principal: 'user:bob' });
          expect(bob.map((event) => event.resource)).toEqual(['tools/curl', '/x']);
          expect((await current().auditLog({ action: 'tool.run' })).map((event) => event.principal)).toEqual([
            'user:bob',
            'user:carol',
          ]);
          expect(await current().auditLog({ limit: 1, principal: 'user:carol' })).toHaveLength(1);
          expect(await current().auditLog({ since: Number.MAX_SAFE_INTEGER })).toEqual([]);
          assertSameValue((await current().auditLog({ principal: 'user:bob', limit: 1 }))[0], recorded);
        });

        it('refuses malformed events and queries, recording nothing', async () => {
          for (const event of [{}, { principal: 'a', action: 'b', resource: 'c', outcome: '' }, null]) {
            await rejectionOf(() => current().audit(event as never), 'INVALID_ARGUMENT');
          }
          for (const query of [{ limit: -1 }, { since: 'x' }, { principal: 3 }]) {
            await rejectionOf(() => current().auditLog(query as never), 'INVALID_ARGUMENT');
          }
          expect(await current().auditLog()).toEqual([]);
        });
      });

      group('redaction', () => {
        it('redacts every true positive of the built-in rules, keeping the text around it', () => {
          for (const rule of DEFAULT_REDACTION_RULES) {
            for (const sample of rule.truePositives) {
              const redacted = current().redact(`before ${sample} after`) as string;
              expect(redacted, `${rule.id}: ${sample}`).toContain(`[REDACTED:${rule.id}]`);
              expect(redacted.startsWith('before ') && redacted.endsWith(' after')).toBe(true);
            }
          }
        });

        it('leaves every false positive of the built-in rules as it is', () => {
          for (const rule of DEFAULT_REDACTION_RULES) {
            for (const sample of rule.falsePositives) expect(current().redact(sample), rule.id).toBe(sample);
          }
        });

        it('redacts at any depth, in arrays, Maps and Sets, the values of secret-named keys whole, and copies', () => {
          const token = 'ghp_R4nd0mT0k3nV4lu3Xy7Kp2Lm9Qw4Er8Ty1Ui';
          const value = Object.assign(JSON.parse('{"__proto__":"own key"}'), {
            list: [[{ deep: `t=${token}` }]],
            map: new Map<string, unknown>([
              ['apiKey', 'plain-looking'],
              ['note', token],
            ]),
            set: new Set([token]),
            accessToken: { nested: 'object' },
            tokenCount: 3,
          });
          const redacted = current().redact(value) as Record<string, unknown>;
          const marker = '[REDACTED:github-token]';
          expect(redacted.list).toEqual([[{ deep: `t=${marker}` }]]);
          expect(redacted.map).toEqual(
            new Map([
              ['apiKey', '[REDACTED:secret-key]'],
              ['note', marker],
            ]),
          );
          expect(redacted.set).toEqual(new Set([marker]));
          expect(redacted.accessToken).toBe('[REDACTED:secret-key]');
          expect(redacted.tokenCount).toBe(3);
          expect(Object.getOwnPropertyDescriptor(redacted, '__proto__')?.value).toBe('own key');
          expect((value as { set: Set<string> }).set.has(token)).toBe(true);
        });
      });

      group('audit verification', () => {
        it('signs checkpoints its verifier key opens, and verifies against them as the audit grows', async () => {
          await current().setPolicy(samplePolicy());
          await current().authorize(sampleRequest());
          const head = await current().auditHead();
          expect(head.size).toBe(2);
          const opened = openCheckpoint(head.checkpoint, verifierFromKey(await current().verifierKey()));
          expect(opened).toMatchObject({ size: 2, rootHash: head.rootHash, origin: head.origin });
          await rejectionOf(
            () => current().authorize(alice('file.write', '/srv/secret/a')),
            'CAPABILITY_DENIED',
          );
          expect(await current().verifyAudit({ against: head.checkpoint })).toEqual({ ok: true, size: 3 });
          expect(await current().verifyAudit()).toEqual({ ok: true, size: 3 });
        });

        it('tells onProgress how many records it has checked, of the audit size, up to the last', async () => {
          const count = PROGRESS_EVERY + 3;
          await Promise.all(
            Array.from({ length: count }, (_, i) =>
              current().audit({ principal: 'user:x', action: 'a', resource: `r${i}`, outcome: 'ok' }),
            ),
          );
          // The first write also records the policy's load.
          const { size } = await current().auditHead();
          expect(size - count).toBeLessThanOrEqual(1);
          const told: Array<[number, number]> = [];
          const result = await current().verifyAudit({
            onProgress: (done, total) => told.push([done, total]),
          });
          expect(result).toEqual({ ok: true, size });
          expect(told).toEqual([
            [0, size],
            [PROGRESS_EVERY, size],
            [size, size],
          ]);
          await rejectionOf(() => current().verifyAudit({ onProgress: 7 as never }), 'INVALID_ARGUMENT');
        });

        it('verifies an empty audit, and fails a checkpoint of another key, another origin or a larger audit', async () => {
          expect(await current().verifyAudit()).toEqual({ ok: true, size: 0 });
          const other = await fresh();
          await other.audit({ principal: 'user:x', action: 'a', resource: 'r', outcome: 'ok' });
          const foreign = (await other.auditHead()).checkpoint;
          const result = await current().verifyAudit({ against: foreign });
          expect(result.ok).toBe(false);
          expect(result.reason).toMatch(/does not verify/);
          await current().audit({ principal: 'user:x', action: 'a', resource: 'r', outcome: 'ok' });
          const head = await current().auditHead();
          expect((await current().verifyAudit({ against: head.checkpoint })).ok).toBe(true);
          expect((await current().verifyAudit({ against: 'not a note' })).ok).toBe(false);
        });
      });

      if (options.reopen !== undefined) {
        group('persistence', () => {
          it('keeps the policy and the audit for a provider opened again, which verifies against an old head', async () => {
            const hash = await current().setPolicy(samplePolicy());
            const decision = await current().authorize(sampleRequest());
            const head = await current().auditHead();
            const again = await reopen();
            expect(again.check(sampleRequest())).toEqual(decision);
            assertSameValue(await again.auditLog(), await current().auditLog());
            expect(await again.verifierKey()).toBe(await current().verifierKey());
            await again.authorize(sampleRequest(1));
            expect(await again.verifyAudit({ against: head.checkpoint })).toEqual({ ok: true, size: 3 });
            expect((await again.auditLog()).at(-1)).toMatchObject({ policyHash: hash, seq: 2 });
          });

          it("reads the other provider's records in order, chaining their appends", async () => {
            await current().setPolicy(samplePolicy());
            const again = await reopen();
            await Promise.all([
              current().authorize(sampleRequest(1)),
              again.authorize(sampleRequest(2)),
              current().audit({ principal: 'user:a', action: 'x', resource: 'r', outcome: 'ok' }),
              again.audit({ principal: 'user:b', action: 'x', resource: 'r', outcome: 'ok' }),
            ]);
            const log = await again.auditLog();
            expect(log.map((event) => event.seq)).toEqual(log.map((_, i) => i));
            assertSameValue(log, await current().auditLog());
            expect((await decisions(again)).length).toBe(2);
            expect((await again.verifyAudit()).ok).toBe(true);
          });
        });
      }
    },
  );
}

/** A policy that allows everything: whatever is refused then is refused as malformed. */
function allowAllPolicy(): Policy {
  return { rules: [{ id: 'all', effect: 'allow', principals: ['*'], actions: ['**'], resources: ['**'] }] };
}
