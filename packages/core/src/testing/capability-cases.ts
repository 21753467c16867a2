/**
 * One row of the capability table: the patterns granted (and denied, written `!pattern`), a capability,
 * and whether the set allows it. The table is the grammar's specification by example: core's tests,
 * governance's conformance suite and security's policy tests check every row, and the governance README
 * prints it.
 */
export interface CapabilityCase {
  patterns: readonly string[];
  cap: string;
  allowed: boolean;
  /** Why the row holds, in a few words. */
  why: string;
}

/** The capability table (see {@link CapabilityCase}). */
export const CAPABILITY_CASES: readonly CapabilityCase[] = Object.freeze([
  { patterns: ['eval'], cap: 'eval', allowed: true, why: 'exact action' },
  { patterns: ['eval'], cap: 'apply', allowed: false, why: 'another action' },
  { patterns: ['tool.read'], cap: 'tool.read', allowed: true, why: 'exact dotted action' },
  { patterns: ['tool.read'], cap: 'tool', allowed: false, why: 'a grant covers no parent' },
  { patterns: ['*'], cap: 'shell', allowed: true, why: "lineage '*' grants all" },
  {
    patterns: ['*'],
    cap: 'file.read:/etc/hosts',
    allowed: true,
    why: "lineage '*' grants all, resources too",
  },
  { patterns: ['tool.*'], cap: 'tool.read', allowed: true, why: "lineage 'domain.*'" },
  { patterns: ['tool.*'], cap: 'tool', allowed: true, why: "lineage 'domain.*' covers the domain itself" },
  { patterns: ['tool.*'], cap: 'tool.read.deep', allowed: true, why: "lineage 'domain.*' covers any depth" },
  { patterns: ['tool.*'], cap: 'tools.read', allowed: false, why: 'another first word' },
  { patterns: ['tool.*.x'], cap: 'tool.read.x', allowed: true, why: "inner '*' is one word" },
  { patterns: ['tool.*.x'], cap: 'tool.a.b.x', allowed: false, why: "inner '*' is exactly one word" },
  { patterns: ['a.b.*'], cap: 'a.b', allowed: false, why: "'*' past the first word is one word, not zero" },
  { patterns: ['a.b.**'], cap: 'a.b', allowed: true, why: "'**' is zero or more words" },
  { patterns: ['a.b.**'], cap: 'a.b.c.d', allowed: true, why: "'**' is the rest" },
  { patterns: ['file.read'], cap: 'file.read:/tmp/x', allowed: true, why: 'no resource: any resource' },
  { patterns: ['file.read:/tmp/*'], cap: 'file.read:/tmp/x', allowed: true, why: "'*' is one part" },
  { patterns: ['file.read:/tmp/*'], cap: 'file.read:/tmp/x/y', allowed: false, why: "'*' never spans '/'" },
  {
    patterns: ['file.read:/tmp/*'],
    cap: 'file.read',
    allowed: false,
    why: 'a resource pattern needs a resource',
  },
  { patterns: ['file.read:/tmp/**'], cap: 'file.read:/tmp/x/y', allowed: true, why: "'**' spans '/'" },
  {
    patterns: ['file.*:/tmp/*'],
    cap: 'file.write:/tmp/x',
    allowed: true,
    why: "'*' in action with a resource",
  },
  { patterns: ['shell', '!shell'], cap: 'shell', allowed: false, why: 'a deny wins' },
  { patterns: ['*', '!shell'], cap: 'eval', allowed: true, why: 'a deny covers only what it matches' },
  {
    patterns: ['*', '!file.write:/etc/**'],
    cap: 'file.write:/etc/passwd',
    allowed: false,
    why: 'a resource deny wins',
  },
  {
    patterns: ['*', '!file.write:/etc/**'],
    cap: 'file.write:/tmp/a',
    allowed: true,
    why: 'outside the denied resource',
  },
  { patterns: ['!tool.*'], cap: 'tool.read', allowed: false, why: 'denies alone grant nothing' },
  { patterns: [], cap: 'eval', allowed: false, why: 'nothing granted' },
  {
    patterns: ['cap.eval', 'shell', 'file.read'],
    cap: 'cap.eval',
    allowed: true,
    why: "the lineage's profile caps",
  },
  {
    patterns: ['net.fetch:https://example.com/*'],
    cap: 'net.fetch:https://example.com/a',
    allowed: true,
    why: "':' inside a resource",
  },
]);

/** Patterns the grammar refuses, with the position (character index) the error names. */
export const MALFORMED_CAPABILITY_PATTERNS: readonly { pattern: string; position: number }[] = Object.freeze([
  { pattern: '', position: 0 },
  { pattern: '!', position: 1 },
  { pattern: 'tool.', position: 5 },
  { pattern: '.tool', position: 0 },
  { pattern: 'to ol', position: 0 },
  { pattern: 'fi*', position: 2 },
  { pattern: 'a.**.b', position: 2 },
  { pattern: 'file.read:', position: 10 },
  { pattern: 'file.read:/tmp/x*', position: 16 },
  { pattern: 'file.read:/tmp/**/x', position: 15 },
  { pattern: 'file.read:a\nb', position: 11 },
  { pattern: ':x', position: 0 },
]);

/**
 * Resources the grammar refuses, one row per form (see "Resources" in `capabilities.ts`), with the
 * position (character index in the resource) the error names. Core's tests check each as a capability's
 * resource, in a pattern and by `assertResource`; security's policy matrix checks each as a request's.
 */
export const REFUSED_RESOURCES: readonly { resource: string; position: number; form: string }[] =
  Object.freeze([
    { resource: '/tmp/./x', position: 5, form: "a '.' part" },
    { resource: '/tmp/../etc/passwd', position: 5, form: "a '..' part" },
    { resource: '..', position: 0, form: "a '..' resource" },
    { resource: 'docs/..', position: 5, form: "a last '..' part" },
    { resource: '/tmp//x', position: 5, form: 'an empty inner part' },
    { resource: '/tmp/', position: 5, form: 'an empty last part' },
    { resource: '/', position: 1, form: "a lone '/'" },
    { resource: 'https:///x', position: 8, form: "an empty part after 'scheme://'" },
    { resource: 'docs//x', position: 5, form: "'//' without a scheme" },
    { resource: '/tmp/a%2Fb', position: 6, form: "an encoded '/' (%2F)" },
    { resource: '/tmp/a%2fb', position: 6, form: "an encoded '/' (%2f)" },
    { resource: '/tmp/%2E%2E/etc', position: 5, form: "an encoded '.' (%2E)" },
    { resource: '/tmp/%2e%2e/etc', position: 5, form: "an encoded '.' (%2e)" },
    { resource: '/tmp/x%5Cy', position: 6, form: "an encoded '\\' (%5C)" },
    { resource: '/tmp/x%00', position: 6, form: 'an encoded NUL (%00)' },
    { resource: '/tmp\\..\\etc', position: 4, form: 'a backslash' },
    { resource: '/tmp/x\u0000.txt', position: 6, form: 'a NUL' },
    { resource: '/tmp/x\ny', position: 6, form: 'a newline' },
  ]);

/** Resources the grammar takes as they are: look-alikes of the refused forms. */
export const ACCEPTED_RESOURCES: readonly string[] = Object.freeze([
  '/tmp/x',
  'docs/reports/q1.pdf',
  'https://example.com/a',
  's3://bucket/key/part',
  '/tmp/x..y/...',
  '/tmp/.hidden',
  '/tmp/a%20b',
  '/tmp/%252F',
  'C:x',
]);
