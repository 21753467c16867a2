import { createHash } from 'node:crypto';
import type { Val } from '@omega/core';
import { mulberry32 } from '@omega/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalSecurityProvider } from '../src/memory.js';
import { DEFAULT_REDACTION_RULES } from '../src/redaction-rules.js';

const provider = new LocalSecurityProvider();
const random = mulberry32(0x5ec);
const bytes = (count: number) => Uint8Array.from({ length: count }, () => Math.floor(random() * 256));
const hex = (count: number) => Buffer.from(bytes(count)).toString('hex');

describe('redaction: the false-positive corpus passes unchanged', () => {
  it('10,000 SHA-256 digests, in hex and base64, bare and in prose', () => {
    const digests = Array.from({ length: 10_000 }, (_, i) =>
      createHash('sha256').update(`doc ${i}`).digest(),
    );
    const texts = digests.flatMap((digest) => [
      digest.toString('hex'),
      `sha256:${digest.toString('hex')}`,
      `sha256-${digest.toString('base64')}`,
      digest.toString('base64url'),
    ]);
    expect(provider.redact(texts)).toEqual(texts);
    const prose = digests
      .map((digest, i) => `file ${i} has digest ${digest.toString('hex')} (verified)`)
      .join('\n');
    expect(provider.redact(prose)).toBe(prose);
  });

  it('UUIDs, W3C trace and span ids, traceparent headers', () => {
    const ids = Array.from({ length: 2_000 }, () => {
      const trace = hex(16);
      const span = hex(8);
      return [
        crypto.randomUUID(),
        trace,
        span,
        `00-${trace}-${span}-01`,
        `trace_id=${trace} span_id=${span}`,
      ];
    }).flat();
    expect(provider.redact(ids)).toEqual(ids);
  });

  it('prose that mentions the words and prefixes of secrets', () => {
    const prose = [
      'pip install sk-learn; sk-learn is scikit-learn',
      'ask-me-anything sessions and task-runner jobs',
      'The token budget is 4096 tokens; count tokens before sending.',
      'Reset your password from the settings page.',
      'The bearer of this letter is authorized to collect the parcel.',
      'Authorization: Basic dXNlcjpwYXNzd29yZA==',
      'AKIA is the prefix of AWS access key ids; ASIA of temporary ones.',
      'ghp_ marks a classic GitHub token, github_pat_ a fine-grained one.',
      'A JWT starts with eyJ because base64 of {" is eyJ.',
      '-----BEGIN PUBLIC KEY----- blocks are public.',
      'cookie consent banners and secret santa lists',
    ];
    expect(provider.redact(prose)).toEqual(prose);
  });

  it("each built-in rule's own false positives, and its true positives redacted", () => {
    for (const rule of DEFAULT_REDACTION_RULES) {
      for (const sample of rule.falsePositives) expect(provider.redact(sample), rule.id).toBe(sample);
      for (const sample of rule.truePositives) {
        expect(provider.redact(sample), `${rule.id}: ${sample}`).toContain(`[REDACTED:${rule.id}]`);
      }
    }
  });
});

// Secrets of every built-in format, random past what any allowlist or entropy floor lets through.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64URL = `${ALNUM}-_`;
function draw(seed: number, alphabet: string, length: number): string {
  const next = mulberry32(seed);
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
  return text;
}
const SECRETS: Array<(seed: number) => string> = [
  (seed) => `sk-proj-${draw(seed, B64URL, 64)}`,
  (seed) => `sk-${draw(seed, ALNUM, 48)}`,
  (seed) => `sk-ant-api03-${draw(seed, B64URL, 93)}AA`,
  (seed) => `AKIA${draw(seed, UPPER32, 16)}`,
  (seed) => `ghp_${draw(seed, ALNUM, 36)}`,
  (seed) => `github_pat_${draw(seed, ALNUM, 22)}_${draw(seed + 1, ALNUM, 59)}`,
  (seed) => `eyJhbGciOiJIUzI1NiJ9.eyJ${draw(seed, B64URL, 40)}.${draw(seed + 1, B64URL, 43)}`,
  (seed) =>
    `-----BEGIN RSA PRIVATE KEY-----\n${draw(seed, ALNUM, 64)}\n${draw(seed + 1, ALNUM, 64)}\n-----END RSA PRIVATE KEY-----`,
];
const secret = fc.tuple(fc.integer({ min: 0, max: SECRETS.length - 1 }), fc.nat()).map(([kind, seed]) => ({
  secret: SECRETS[kind]!(seed),
  bearer: draw(seed, ALNUM, 32),
}));
// Text after a secret starts where its alphabet ends (a letter would be read as more of the secret).
const before = fc.constantFrom('', ' ', 'key=', 'see: ', '"', '(', '\n', 'x ');
const after = fc.constantFrom('', ' ', '"', ')', '\n', ' next', ', and more');

/** A value holding `text` at a place chosen by `path`, nested `depth` deep in arrays, objects, Maps and Sets. */
function nest(text: string, path: number[]): Val {
  let value: Val = text;
  for (const step of path) {
    switch (step % 5) {
      case 0:
        value = [1, value, 'x'];
        break;
      case 1:
        value = { note: value, n: 2 };
        break;
      case 2:
        value = new Map<Val, Val>([['k', value]]);
        break;
      case 3:
        value = new Set<Val>([value]);
        break;
      default:
        value = { list: [{ deep: value }] };
    }
  }
  return value;
}

function strings(value: Val, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value instanceof Map) for (const item of value.values()) strings(item, out);
  else if (value instanceof Set) for (const item of value) strings(item, out);
  else if (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  ) {
    for (const item of Object.values(value)) strings(item, out);
  }
  return out;
}

describe('redaction: no generated secret survives, at any nesting', () => {
  it('finds every secret, with any text around it, in arrays, objects, Maps and Sets, at any depth', () => {
    fc.assert(
      fc.property(
        secret,
        before,
        after,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        ({ secret: found, bearer }, head, tail, path, header) => {
          const text = `${head}${found}${tail}`;
          const value = nest(header ? `Authorization: Bearer ${bearer}` : text, path);
          const redacted = provider.redact(value);
          const all = strings(redacted);
          expect(all.join('\n')).not.toContain(header ? bearer : found);
          const marked = all.find((item) => item.includes('[REDACTED:'));
          expect(marked).toBeDefined();
          if (!header) expect(marked?.startsWith(head) && marked.endsWith(tail)).toBe(true);
        },
      ),
      { seed: 0x5ec, numRuns: 500 },
    );
  });

  it('redacts the values of secret-named keys whole, whatever they hold, at any depth', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'password',
          'db_password',
          'clientSecret',
          'accessToken',
          'x-api-key',
          'apiKey',
          'Authorization',
          'set-cookie',
        ),
        fc.string({ minLength: 1 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (key, held, path) => {
          const redacted = provider.redact(nest('plain', path)) as Val;
          expect(redacted).toEqual(nest('plain', path));
          const inside = provider.redact(nest(JSON.stringify({ [key]: held }), path));
          expect(inside).toEqual(nest(JSON.stringify({ [key]: held }), path));
          const value = provider.redact({ wrap: nest('x', path), [key]: held }) as Record<string, Val>;
          expect(value[key]).toBe('[REDACTED:secret-key]');
        },
      ),
      { seed: 0x5ec, numRuns: 300 },
    );
  });
});
