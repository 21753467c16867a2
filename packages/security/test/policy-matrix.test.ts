import { ACCEPTED_RESOURCES, CAPABILITY_CASES, REFUSED_RESOURCES, thrownBy } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import type { Policy, PolicyRule } from '../src/index.js';
import { LocalSecurityProvider } from '../src/memory.js';

/*
 * The policy matrix: one policy, and requests with the decision each must get, written out by hand (not
 * computed by the matcher under test). `allow a b` and `deny a b` list the determining rules in policy
 * order, `none` is the default deny, and `invalid <field>` an InvalidArgumentError naming that field.
 */

const rule = (
  id: string,
  effect: PolicyRule['effect'],
  principals: string[],
  actions: string[],
  resources: string[],
) => ({ id, effect, principals, actions, resources }) satisfies PolicyRule;

const POLICY: Policy = {
  rules: [
    rule('r-read-docs', 'allow', ['user:*'], ['doc.read'], ['docs/**']),
    rule('r-write-own', 'allow', ['user:alice'], ['doc.write', 'doc.read'], ['docs/alice/**']),
    rule('r-admin', 'allow', ['group:admin', 'user:root'], ['**'], ['**']),
    rule('r-no-secrets', 'deny', ['*'], ['**'], ['docs/secret/**']),
    rule('r-no-delete', 'deny', ['user'], ['doc.delete'], ['**']),
    rule('r-tools', 'allow', ['agent:planner', 'agent:coder'], ['tool.*'], ['tools/*']),
    rule('r-no-shell', 'deny', ['agent'], ['tool.shell'], ['tools/*']),
    rule('r-net', 'allow', ['agent:coder'], ['net.fetch'], ['https://example.com/**']),
    rule('r-etc', 'allow', ['service'], ['file.read'], ['/etc/*']),
    rule('r-no-shadow', 'deny', ['service:backup'], ['file.read', 'file.write'], ['/etc/shadow']),
  ],
};

const ROWS = `
user:alice doc.read docs/a.md => allow r-read-docs
user:alice doc.read docs => allow r-read-docs
user:alice doc.read docs/x/y/z.md => allow r-read-docs
user:alice doc.read docs/alice/n.md => allow r-read-docs r-write-own
user:alice doc.write docs/alice/n.md => allow r-write-own
user:alice doc.write docs/alice => allow r-write-own
user:alice doc.write docs/bob/n.md => none
user:alice doc.write docs/a.md => none
user:alice doc.read docs/secret/k => deny r-no-secrets
user:alice doc.write docs/secret/k => deny r-no-secrets
user:alice doc.delete docs/alice/n.md => deny r-no-delete
user:alice doc.delete docs/secret/k => deny r-no-secrets r-no-delete
user:alice doc.read other/a.md => none
user:alice doc.read /docs/a.md => none
user:alice doc.read documents/a => none
user:alice doc.reader docs/a => none
user:alice doc docs/a => none
user:alice doc.read.all docs/a => none
user:alice tool.read tools/grep => none
user:alice file.read /etc/hosts => none
user:alice doc.read docs/.hidden => allow r-read-docs
user:alice doc.read docs/a..b => allow r-read-docs
user:alice doc.read docs/a%20b => allow r-read-docs
user:bob doc.read docs/a.md => allow r-read-docs
user:bob doc.write docs/alice/n.md => none
user:bob doc.read docs/alice/n.md => allow r-read-docs
user:bob doc.delete docs/a.md => deny r-no-delete
user:bob doc.read docs/secret => deny r-no-secrets
user:bob doc.read docs/secrets/x => allow r-read-docs
user:bob doc.read docs/Secret/x => allow r-read-docs
user:bob doc.read DOCS/a => none
user:Alice doc.write docs/alice/n.md => none
user:root doc.read docs/a.md => allow r-read-docs r-admin
user:root doc.write docs/a.md => allow r-admin
user:root file.write /etc/passwd => allow r-admin
user:root doc.delete docs/a.md => deny r-no-delete
user:root doc.read docs/secret/k => deny r-no-secrets
user:root anything.at.all x => allow r-admin
user:root net.fetch https://evil.example/x => allow r-admin
user:root tool.shell tools/sh => allow r-admin
group:admin doc.delete docs/a.md => allow r-admin
group:admin doc.read docs/secret/x => deny r-no-secrets
group:admin tool.shell tools/sh => allow r-admin
group:admin x y => allow r-admin
group:admins x y => none
group:admin:x x y => none
group doc.read docs/a => none
user doc.read docs/a => none
agent:planner tool.read tools/grep => allow r-tools
agent:coder tool.write tools/sed => allow r-tools
agent:planner tool.shell tools/sh => deny r-no-shell
agent:coder tool.shell tools/sh => deny r-no-shell
agent:other tool.read tools/grep => none
agent:other tool.shell tools/sh => deny r-no-shell
agent:planner tool.read tools/a/b => none
agent:planner tool.read tools => none
agent:planner tool tools/grep => none
agent:planner tool.read.deep tools/grep => none
agent:planner tool.shell tools/a/b => none
agent:planner doc.read docs/a => none
agent:planner doc.read docs/secret/a => deny r-no-secrets
agent:coder net.fetch https://example.com/a => allow r-net
agent:coder net.fetch https://example.com => allow r-net
agent:coder net.fetch https://example.com/a/b?q=1 => allow r-net
agent:coder net.fetch https://example.org/a => none
agent:coder net.fetch http://example.com/a => none
agent:planner net.fetch https://example.com/a => none
agent:coder net.post https://example.com/a => none
agent:coder net.fetch https://example.com.evil.io/a => none
service file.read /etc/hosts => allow r-etc
service:backup file.read /etc/hosts => allow r-etc
service:backup file.read /etc/shadow => deny r-no-shadow
service:web file.read /etc/shadow => allow r-etc
service:backup file.write /etc/shadow => deny r-no-shadow
service:backup file.write /etc/hosts => none
service file.read /etc/ssl/cert.pem => none
service file.read /etc => none
services file.read /etc/hosts => none
user:service file.read /etc/hosts => none
service:web file.read etc/hosts => none
user:alice doc..read docs/a => invalid $.action
user:alice .doc docs/a => invalid $.action
user:alice doc. docs/a => invalid $.action
user:alice doc.read:docs docs/a => invalid $.action
user:alice doc*read docs/a => invalid $.action
user:alice doc.* docs/a => invalid $.action
user:alice - docs/a => allow none-by-dash
user alice doc.read docs/a => invalid $.principal
user: doc.read docs/a => invalid $.principal
:alice doc.read docs/a => invalid $.principal
user:* doc.read docs/a => allow r-read-docs
user:a/../b doc.read docs/a => invalid $.principal
`;

interface Row {
  title: string;
  principal: string;
  action: string;
  resource: string;
  expected: { allowed: boolean; rules: string[] } | { invalid: string };
}

function parseRows(text: string): Row[] {
  return text
    .trim()
    .split('\n')
    .flatMap((line): Row[] => {
      const [request, outcome] = line.split(' => ') as [string, string];
      const words = request.split(' ');
      const resource = words.pop() as string;
      const action = words.pop() as string;
      const principal = words.join(' ');
      const [verdict, ...rules] = outcome.split(' ');
      if (verdict === 'invalid')
        return [{ title: line, principal, action, resource, expected: { invalid: rules[0]! } }];
      if (verdict === 'none')
        return [{ title: line, principal, action, resource, expected: { allowed: false, rules: [] } }];
      if (verdict === 'allow' && rules[0] === 'none-by-dash') {
        // '-' is a word: a valid action no rule names.
        return [{ title: line, principal, action, resource, expected: { allowed: false, rules: [] } }];
      }
      return [
        { title: line, principal, action, resource, expected: { allowed: verdict === 'allow', rules } },
      ];
    });
}

const EXPLICIT = parseRows(ROWS);

// Every refused resource form, for several principals and actions: refused before any rule is looked at,
// even where an allow-everything rule (r-admin) would match.
const REFUSED: Row[] = REFUSED_RESOURCES.flatMap(({ resource, form }) =>
  [
    ['user:root', 'file.read'],
    ['group:admin', 'doc.write'],
    ['user:alice', 'doc.read'],
    ['agent:coder', 'net.fetch'],
  ].map(([principal, action]) => ({
    title: `${principal} ${action} ${JSON.stringify(resource)} (${form}) => invalid $.resource`,
    principal: principal!,
    action: action!,
    resource,
    expected: { invalid: '$.resource' },
  })),
);

// The look-alikes of refused forms are resources like any: r-admin covers them for user:root.
const ACCEPTED: Row[] = ACCEPTED_RESOURCES.map((resource) => ({
  title: `user:root file.read ${JSON.stringify(resource)} => allow r-admin`,
  principal: 'user:root',
  action: 'file.read',
  resource,
  expected: { allowed: true, rules: ['r-admin'] },
}));

describe('the policy matrix', () => {
  const provider = new LocalSecurityProvider({ policy: POLICY });

  it('has at least 200 cases', () => {
    expect(
      EXPLICIT.length + REFUSED.length + ACCEPTED.length + CAPABILITY_CASES.length,
    ).toBeGreaterThanOrEqual(200);
  });

  for (const row of [...EXPLICIT, ...REFUSED, ...ACCEPTED]) {
    it(row.title, () => {
      const request = { principal: row.principal, action: row.action, resource: row.resource };
      if ('invalid' in row.expected) {
        const error = thrownBy(() => provider.check(request), 'INVALID_ARGUMENT');
        expect(error.details.path).toBe(row.expected.invalid);
        return;
      }
      expect(provider.check(request)).toMatchObject(row.expected);
    });
  }
});

// Core's capability table, through a policy: each row's patterns as the principals of an allow rule (and
// its '!' patterns as those of a deny rule), the row's capability as the principal asking. One grammar,
// one matcher, one table, whichever family asks.
describe("the capability table of @omega/core, as principals of a policy's rules", () => {
  for (const { patterns, cap, allowed, why } of CAPABILITY_CASES) {
    it(`${JSON.stringify(patterns)} ${allowed ? 'allows' : 'refuses'} ${cap} (${why})`, () => {
      const grants = patterns.filter((pattern) => !pattern.startsWith('!'));
      const denies = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
      const rules: PolicyRule[] = [];
      if (grants.length > 0) rules.push(rule('grants', 'allow', grants, ['**'], ['**']));
      if (denies.length > 0) rules.push(rule('denies', 'deny', denies, ['**'], ['**']));
      const provider = new LocalSecurityProvider({ policy: { rules } });
      expect(provider.check({ principal: cap, action: 'run', resource: 'any' }).allowed).toBe(allowed);
    });
  }
});
