import { InvalidArgumentError, type Val } from '@omega/core';
import { type RedactionRule, RedactionRuleSchema } from './index.js';
import { KIND } from './rules.js';

const KEY_CACHE = 4096;

/** A rule ready to run: its regex compiled (global, with match indices) and its keywords lowercased. */
interface CompiledRule {
  id: string;
  regex: RegExp;
  group: number;
  keywords: string[];
  entropy: number;
  allow: RegExp[];
  stopwords: string[];
}

/** The text a found secret becomes. */
export function marker(ruleId: string): string {
  return `[REDACTED:${ruleId}]`;
}

/**
 * Replaces secrets in values: text matching a rule becomes `[REDACTED:<rule id>]` (only the rule's secret
 * group, the text around it kept), and the value of a key named like a secret becomes
 * `[REDACTED:<keyRule>]` whole, unless it is a number, boolean, null or undefined. Strings are searched at
 * any depth: in arrays, objects, Map values and Set members. Keys are kept as they are.
 */
export class Redactor {
  readonly #rules: CompiledRule[];
  readonly #secretKeys: string[][];
  readonly #keys = new Map<string, boolean>();

  constructor(
    rules: readonly RedactionRule[],
    secretKeys: readonly string[],
    private readonly keyRule: string,
    provider: string,
  ) {
    this.#rules = rules.map((rule, index) => compileRule(rule, index, provider));
    this.#secretKeys = secretKeys.map((key, index) => {
      const words = typeof key === 'string' ? wordsOf(key) : [];
      if (words.length === 0) {
        throw new InvalidArgumentError(`${provider}: option secretKeys[${index}] must be a key name`, {
          details: { provider, kind: KIND, option: 'secretKeys', index, value: key },
        });
      }
      return words;
    });
  }

  /** `text` with every secret the rules find replaced, rule by rule in order. */
  text(text: string): string {
    let current = text;
    let lower: string | null = null;
    for (const rule of this.#rules) {
      lower ??= current.toLowerCase();
      if (!rule.keywords.some((keyword) => (lower as string).includes(keyword))) continue;
      const replaced = replaceSecrets(current, rule);
      if (replaced !== current) {
        current = replaced;
        lower = null;
      }
    }
    return current;
  }

  /** A copy of `value` with its secrets replaced (see the class); `value` itself is left as it is. */
  value(value: Val): Val {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (value instanceof Date) return new Date(value.getTime());
    if (value instanceof Uint8Array) return value.slice();
    if (Array.isArray(value)) {
      const copy: Val[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) if (i in value) copy[i] = this.value(value[i]);
      return copy;
    }
    if (value instanceof Map) {
      const copy = new Map<Val, Val>();
      for (const [key, item] of value) copy.set(key, this.#under(key, item));
      return copy;
    }
    if (value instanceof Set) {
      const copy = new Set<Val>();
      for (const item of value) copy.add(this.value(item));
      return copy;
    }
    const copy: { [key: string]: Val } = {};
    for (const key of Object.keys(value)) {
      // defineProperty: an own `__proto__` key stays a key, not the copy's prototype.
      Object.defineProperty(copy, key, {
        value: this.#under(key, value[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }

  /** True when `key` names a secret: its words hold those of a secret key name in a row. */
  isSecretKey(key: string): boolean {
    let secret = this.#keys.get(key);
    if (secret === undefined) {
      const words = wordsOf(key);
      secret = this.#secretKeys.some((name) => containsRun(words, name));
      // Keys repeat across values (headers, fields): remembered, up to a bound.
      if (this.#keys.size >= KEY_CACHE) this.#keys.clear();
      this.#keys.set(key, secret);
    }
    return secret;
  }

  #under(key: Val, item: Val): Val {
    if (typeof key !== 'string' || !this.isSecretKey(key)) return this.value(item);
    const kept = item === null || item === undefined || typeof item === 'number' || typeof item === 'boolean';
    return kept ? item : marker(this.keyRule);
  }
}

function replaceSecrets(text: string, rule: CompiledRule): string {
  rule.regex.lastIndex = 0;
  let out = '';
  let from = 0;
  for (let match = rule.regex.exec(text); match !== null; match = rule.regex.exec(text)) {
    if (match[0] === '') {
      rule.regex.lastIndex++;
      continue;
    }
    const span = match.indices?.[rule.group];
    const secret = match[rule.group];
    if (span === undefined || secret === undefined || !isSecret(secret, rule)) continue;
    out += text.slice(from, span[0]) + marker(rule.id);
    from = span[1];
  }
  return from === 0 ? text : out + text.slice(from);
}

function isSecret(secret: string, rule: CompiledRule): boolean {
  if (rule.entropy > 0 && shannonEntropy(secret) < rule.entropy) return false;
  if (rule.allow.some((regex) => regex.test(secret))) return false;
  const lower = secret.toLowerCase();
  return !rule.stopwords.some((word) => lower.includes(word));
}

/** Shannon entropy of `text` in bits per character (gitleaks' measure of randomness). */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  const length = [...text].length;
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function compileRule(rule: RedactionRule, index: number, provider: string): CompiledRule {
  const refuse = (reason: string, cause?: unknown) =>
    new InvalidArgumentError(`${provider}: option redactionRules[${index}] ${reason}`, {
      cause,
      details: { provider, kind: KIND, option: 'redactionRules', index, reason },
    });
  const parsed = RedactionRuleSchema.safeParse(rule);
  if (!parsed.success) throw refuse(`is not a redaction rule: ${parsed.error.issues[0]?.message}`);
  const { id, regex, caseInsensitive, secretGroup = 0, keywords, entropy = 0, allowlist } = parsed.data;
  try {
    return {
      id,
      regex: new RegExp(regex, caseInsensitive ? 'dgi' : 'dg'),
      group: secretGroup,
      keywords: keywords.map((keyword) => keyword.toLowerCase()),
      entropy,
      allow: (allowlist?.regexes ?? []).map((source) => new RegExp(source)),
      stopwords: (allowlist?.stopwords ?? []).map((word) => word.toLowerCase()),
    };
  } catch (error) {
    throw refuse(`has a regex that does not compile (${id})`, error);
  }
}

/** The words of a key: split at case changes, digits kept, and at anything but letters and digits. */
function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

function containsRun(words: readonly string[], run: readonly string[]): boolean {
  const joined = run.join('');
  for (let start = 0; start < words.length; start++) {
    if (words[start] === joined) return true;
    if (start + run.length > words.length) continue;
    if (run.every((word, i) => words[start + i] === word)) return true;
  }
  return false;
}
