import { describeOptionChecks, thrownBy } from '@omega/core/testing';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { FilesystemSecurityProvider } from '../src/filesystem.js';
import { LocalSecurityProvider } from '../src/memory.js';
import { samplePolicy } from '../src/methods.js';
import { MockSecurityProvider } from '../src/mock.js';
import { DEFAULT_REDACTION_RULES } from '../src/redaction-rules.js';

describeOptionChecks(vitest, {
  kind: 'security',
  clock: true,
  filesystem: (options) => new FilesystemSecurityProvider(options),
  memory: (options) => new LocalSecurityProvider(options),
  mock: (options) => new MockSecurityProvider(options),
});

describe('the family options', () => {
  const refused: Array<[string, Record<string, unknown>]> = [
    ['policy', { policy: { rules: [{ id: 'x' }] } }],
    ['policy', { policy: { rules: [{ ...samplePolicy().rules[0], resources: ['/a//b'] }] } }],
    ['policy', { policy: { rules: [samplePolicy().rules[0], samplePolicy().rules[0]] } }],
    ['policy', { policy: { rules: [{ ...samplePolicy().rules[0], id: 'bad id' }] } }],
    ['policy', { policy: { rules: [{ ...samplePolicy().rules[0], actions: ['!file.read'] }] } }],
    ['policy', { policy: { rules: [{ ...samplePolicy().rules[0], principals: [] }] } }],
    ['policyStore', { policyStore: { read: 1 } }],
    ['redactionRules', { redactionRules: 'none' }],
    ['redactionRules', { redactionRules: [{ ...DEFAULT_REDACTION_RULES[0], regex: '(' }] }],
    ['redactionRules', { redactionRules: [{ ...DEFAULT_REDACTION_RULES[0], keywords: [] }] }],
    ['secretKeys', { secretKeys: 'password' }],
    ['secretKeys', { secretKeys: ['--'] }],
    ['origin', { origin: 'two\nlines' }],
    ['signer', { signer: 42 }],
  ];
  for (const [option, options] of refused) {
    it(`refuses a bad ${option} at construction, naming it (${JSON.stringify(options).slice(0, 60)})`, () => {
      const error = thrownBy(() => new LocalSecurityProvider(options as never), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ provider: 'LocalSecurityProvider', kind: 'security', option });
    });
  }

  it('names the bad rule and its path', () => {
    const policy = samplePolicy();
    policy.rules[1]!.actions = ['file.write:/x'];
    const error = thrownBy(() => new LocalSecurityProvider({ policy }), 'INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ rule: 'no-secret-writes', path: '$.rules[1].actions[0]' });
  });

  it('takes its own redaction rules and secret key names', () => {
    const provider = new LocalSecurityProvider({
      redactionRules: [
        {
          id: 'ticket',
          description: 'internal ticket secrets',
          regex: 'TKT-[0-9]{6}',
          keywords: ['tkt-'],
          truePositives: ['TKT-123456'],
          falsePositives: ['TKT-1'],
        },
      ],
      secretKeys: ['pin'],
    });
    expect(provider.redact({ pin: '1234', password: 'kept', note: 'see TKT-123456' })).toEqual({
      pin: '[REDACTED:secret-key]',
      password: 'kept',
      note: 'see [REDACTED:ticket]',
    });
  });
});
