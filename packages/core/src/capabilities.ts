import { InvalidArgumentError } from './errors.js';

/*
 * The capability grammar, one for every family that grants or checks authority (governance's profiles,
 * security's policies):
 *
 *   capability  <action> | <action>:<resource>
 *   action      words joined by '.', a word being 1+ of A-Z a-z 0-9 _ -   (eval, tool.read, file.read)
 *   resource    1+ characters after the first ':'; its parts are split on '/' (see "Resources" below)
 *
 *   pattern     ['!'] <action pattern> [':' <resource pattern>]
 *     '*'       one word of an action, or one non-empty '/'-free part of a resource
 *     '**'      the rest (zero or more words or parts); only as the last segment
 *     a pattern without ':' covers the action with any resource or none
 *     '!'       denies: a deny that matches wins over every grant
 *
 * Two forms keep the lineage's meaning (hypnotranz/Omega, src/core/governance/caps.ts `capHas`):
 *   '*'         alone, grants every capability (any action, any depth, any resource);
 *   'domain.*'  (one word, then '*', no resource) grants what `capHas` granted: every capability whose
 *               first word is `domain`, at any depth, so `tool.*` covers `tool`, `tool.read` and
 *               `tool.read.deep`. Everywhere else '*' is exactly one word.
 *
 * Resources, in capabilities and patterns alike, are checked before anything matches, and refused (never
 * normalized) when they hold what a later decoder or path resolver could read as another resource: a `.`
 * or `..` part, an empty part (but the first, of a leading '/', and the second, of a `scheme://`), an
 * encoded '/' or '.' (`%2F`, `%2E`, any case), an encoded '\' or NUL (`%5C`, `%00`), a backslash, or a
 * control character. A grant of `/tmp/**` must not reach `/tmp/../etc/passwd` by another spelling: the
 * bypass class of Envoy's CVE-2019-9901.
 */

const WORD = /^[A-Za-z0-9_-]+$/;

// Control characters would make a capability print as something else in a log or an error: -1 for none.
function controlAt(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return index;
  }
  return -1;
}

/** One segment of a compiled pattern: a literal, one word or part (`*`), or the rest (`**`). */
type Segment = string | typeof ONE | typeof REST;
const ONE = Symbol('*');
const REST = Symbol('**');

interface CompiledPattern {
  /** The pattern as written (without `!`), for diagnostics. */
  source: string;
  action: Segment[];
  /** null: any resource or none. */
  resource: Segment[] | null;
}

/**
 * A capability, checked and split once for every pattern it is checked against: from
 * {@link parseCapability}, for {@link CapabilityMatcher.allowsParsed}.
 */
export interface ParsedCapability {
  action: string;
  words: string[];
  parts: string[] | null;
}

function malformed(pattern: string, position: number, reason: string, what = 'capability pattern') {
  return new InvalidArgumentError(
    `malformed ${what} ${JSON.stringify(pattern)} at position ${position}: ${reason}`,
    { details: { kind: what, pattern, position, reason } },
  );
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:$/;
const ENCODED = /%(?:2[fFeE]|5[cC]|00)/;

/** Where and why `text`, a resource or a resource pattern, is refused (see "Resources" above); null when it is not. */
function resourceFault(text: string): { position: number; reason: string } | null {
  const control = controlAt(text);
  if (control >= 0) return { position: control, reason: 'control character in the resource' };
  const backslash = text.indexOf('\\');
  if (backslash >= 0) return { position: backslash, reason: 'backslash in the resource' };
  const encoded = ENCODED.exec(text);
  if (encoded !== null) {
    return { position: encoded.index, reason: `encoded ${encoded[0]} in the resource` };
  }
  const parts = text.split('/');
  let position = 0;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (part === '.' || part === '..') return { position, reason: `a '${part}' part in the resource` };
    if (part === '' && !(index === 0 || (index === 1 && SCHEME.test(parts[0]!)))) {
      return { position, reason: 'an empty part in the resource' };
    }
    position += part.length + 1;
  }
  return null;
}

function compileSegments(pattern: string, text: string, offset: number, separator: '.' | '/'): Segment[] {
  const segments: Segment[] = [];
  let position = offset;
  const pieces = text.split(separator);
  for (let index = 0; index < pieces.length; index++) {
    const piece = pieces[index]!;
    if (piece === '**') {
      if (index !== pieces.length - 1) throw malformed(pattern, position, "'**' must be the last segment");
      segments.push(REST);
    } else if (piece === '*') {
      segments.push(ONE);
    } else if (piece.includes('*')) {
      throw malformed(pattern, position + piece.indexOf('*'), "'*' must be a whole segment");
    } else if (separator === '.' && !WORD.test(piece)) {
      throw malformed(pattern, position, 'an action word is 1+ of A-Z a-z 0-9 _ -');
    } else {
      segments.push(piece);
    }
    position += piece.length + 1;
  }
  return segments;
}

function compilePattern(pattern: string, start: number): CompiledPattern {
  const body = pattern.slice(start);
  const colon = body.indexOf(':');
  const actionText = colon < 0 ? body : body.slice(0, colon);
  if (actionText === '') throw malformed(pattern, start, 'the action is empty');
  const action = compileSegments(pattern, actionText, start, '.');
  if (colon < 0) return { source: body, action, resource: null };
  const resourceText = body.slice(colon + 1);
  const resourceAt = start + colon + 1;
  if (resourceText === '') throw malformed(pattern, resourceAt, "the resource after ':' is empty");
  const fault = resourceFault(resourceText);
  if (fault !== null) throw malformed(pattern, resourceAt + fault.position, fault.reason);
  return { source: body, action, resource: compileSegments(pattern, resourceText, resourceAt, '/') };
}

/**
 * Checks and splits a capability once, for a caller that asks many matchers about it (a policy's rules):
 * an `InvalidArgumentError` when it is not one by the grammar, as {@link CapabilityMatcher.allows} throws.
 */
export function parseCapability(cap: unknown): ParsedCapability {
  if (typeof cap !== 'string') {
    throw new InvalidArgumentError(`a capability must be a string, got ${typeof cap}`, {
      details: { kind: 'capability', capability: cap, reason: 'not a string' },
    });
  }
  const colon = cap.indexOf(':');
  const action = colon < 0 ? cap : cap.slice(0, colon);
  const words = action.split('.');
  for (let index = 0, position = 0; index < words.length; index++) {
    if (!WORD.test(words[index]!)) {
      throw malformed(cap, position, 'an action word is 1+ of A-Z a-z 0-9 _ -', 'capability');
    }
    position += words[index]!.length + 1;
  }
  if (colon < 0) return { action, words, parts: null };
  const resource = cap.slice(colon + 1);
  if (resource === '') throw malformed(cap, colon + 1, "the resource after ':' is empty", 'capability');
  const fault = resourceFault(resource);
  if (fault !== null) throw malformed(cap, colon + 1 + fault.position, fault.reason, 'capability');
  return { action, words, parts: resource.split('/') };
}

function segmentsMatch(segments: Segment[], values: string[]): boolean {
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    if (segment === REST) return true;
    if (index >= values.length) return false;
    if (segment === ONE) {
      if (values[index] === '') return false;
    } else if (segment !== values[index]) {
      return false;
    }
  }
  return segments.length === values.length;
}

function patternMatches(pattern: CompiledPattern, cap: ParsedCapability): boolean {
  if (!segmentsMatch(pattern.action, cap.words)) return false;
  if (pattern.resource === null) return true;
  return cap.parts !== null && segmentsMatch(pattern.resource, cap.parts);
}

/**
 * One side (grants or denies) of a compiled set, split by how a pattern is matched, so the common cases
 * (an exact action, the lineage's `*` and `domain.*`) are one lookup and only true globs are walked.
 */
class PatternTable {
  all = false;
  readonly exact = new Set<string>();
  readonly domains = new Set<string>();
  readonly globs: CompiledPattern[] = [];

  add(pattern: CompiledPattern): void {
    const { action, resource } = pattern;
    if (resource === null && action.length === 1 && action[0] === ONE) this.all = true;
    else if (resource === null && action.length === 2 && typeof action[0] === 'string' && action[1] === ONE) {
      this.domains.add(action[0]);
    } else if (resource === null && action.every((segment) => typeof segment === 'string')) {
      this.exact.add(pattern.source);
    } else {
      this.globs.push(pattern);
    }
  }

  matches(cap: ParsedCapability): boolean {
    if (this.all || this.exact.has(cap.action) || this.domains.has(cap.words[0]!)) return true;
    for (const glob of this.globs) if (patternMatches(glob, cap)) return true;
    return false;
  }
}

/**
 * A compiled set of capability patterns (grants, and denies written `!pattern`): build it once with
 * {@link compileCapabilities}, then ask {@link CapabilityMatcher.allows} as often as needed.
 */
export class CapabilityMatcher {
  /** The patterns granting, as given (without duplicates, in order). */
  readonly granted: readonly string[];
  /** The patterns denying, as given without their `!` (without duplicates, in order). */
  readonly denied: readonly string[];
  readonly #grants = new PatternTable();
  readonly #denies = new PatternTable();

  constructor(patterns: Iterable<string>) {
    const granted: string[] = [];
    const denied: string[] = [];
    for (const pattern of patterns) {
      if (typeof pattern !== 'string') {
        throw new InvalidArgumentError(`a capability pattern must be a string, got ${typeof pattern}`, {
          details: { kind: 'capability pattern', pattern, position: 0, reason: 'not a string' },
        });
      }
      const deny = pattern.startsWith('!');
      const compiled = compilePattern(pattern, deny ? 1 : 0);
      const list = deny ? denied : granted;
      if (list.includes(compiled.source)) continue;
      list.push(compiled.source);
      (deny ? this.#denies : this.#grants).add(compiled);
    }
    this.granted = Object.freeze(granted);
    this.denied = Object.freeze(denied);
  }

  /**
   * True when some grant covers `cap` and no deny does. A capability that is not one by the grammar
   * (a pattern, an empty word, a control character) is an `InvalidArgumentError`, never false: it is a
   * caller's bug, not a refusal.
   */
  allows(cap: string): boolean {
    return this.allowsParsed(parseCapability(cap));
  }

  /** {@link allows} of a capability {@link parseCapability} has checked and split. */
  allowsParsed(parsed: ParsedCapability): boolean {
    return !this.#denies.matches(parsed) && this.#grants.matches(parsed);
  }

  /** The patterns as a caller writes them: grants, then denies with their `!`. */
  patterns(): string[] {
    return [...this.granted, ...this.denied.map((pattern) => `!${pattern}`)];
  }
}

/**
 * Compiles capability patterns (see the grammar above); a malformed one is an `InvalidArgumentError`
 * whose details name the `pattern`, the `position` (a character index) and the `reason`.
 */
export function compileCapabilities(patterns: Iterable<string>): CapabilityMatcher {
  return new CapabilityMatcher(patterns);
}

/** Throws the `InvalidArgumentError` of a string that is not a capability by the grammar. */
export function assertCapability(cap: unknown): asserts cap is string {
  parseCapability(cap);
}

/**
 * Checks a resource by the grammar's rules (see "Resources" above): an `InvalidArgumentError` whose
 * details name the `resource`, the `position` of the fault and the `reason` when it is refused.
 */
export function assertResource(resource: unknown): asserts resource is string {
  if (typeof resource !== 'string' || resource === '') {
    throw new InvalidArgumentError(`a resource must be a non-empty string, got ${JSON.stringify(resource)}`, {
      details: { kind: 'resource', resource, position: 0, reason: 'not a non-empty string' },
    });
  }
  const fault = resourceFault(resource);
  if (fault === null) return;
  throw new InvalidArgumentError(
    `malformed resource ${JSON.stringify(resource)} at position ${fault.position}: ${fault.reason}`,
    { details: { kind: 'resource', resource, ...fault } },
  );
}

/**
 * Checks an action (dotted words, no resource): an `InvalidArgumentError` whose details name the
 * `action`, the `position` and the `reason` when it is not one.
 */
export function assertAction(action: unknown): asserts action is string {
  if (typeof action === 'string' && !action.includes(':')) {
    parseCapability(action);
    return;
  }
  throw new InvalidArgumentError(`an action must be dotted words, got ${JSON.stringify(action)}`, {
    details: {
      kind: 'action',
      action,
      position: typeof action === 'string' ? action.indexOf(':') : 0,
      reason: 'not dotted words',
    },
  });
}
