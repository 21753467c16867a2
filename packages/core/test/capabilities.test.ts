import { describe, expect, it } from 'vitest';
import {
  assertAction,
  assertResource,
  CapabilityMatcher,
  compileCapabilities,
  parseCapability,
} from '../src/index.js';
import {
  ACCEPTED_RESOURCES,
  CAPABILITY_CASES,
  MALFORMED_CAPABILITY_PATTERNS,
  mulberry32,
  REFUSED_RESOURCES,
  thrownBy,
} from '../src/testing.js';

describe('capability grammar', () => {
  it('has a table of at least 15 rows', () => {
    expect(CAPABILITY_CASES.length).toBeGreaterThanOrEqual(15);
  });

  for (const { patterns, cap, allowed, why } of CAPABILITY_CASES) {
    it(`${JSON.stringify(patterns)} ${allowed ? 'allows' : 'refuses'} ${cap} (${why})`, () => {
      expect(compileCapabilities(patterns).allows(cap)).toBe(allowed);
      expect(compileCapabilities(patterns).allowsParsed(parseCapability(cap))).toBe(allowed);
    });
  }

  for (const { pattern, position } of MALFORMED_CAPABILITY_PATTERNS) {
    it(`refuses the pattern ${JSON.stringify(pattern)} naming position ${position}`, () => {
      const error = thrownBy(() => compileCapabilities(['eval', pattern]), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ pattern, position });
    });
  }

  it('refuses a pattern that is not a string', () => {
    const error = thrownBy(() => compileCapabilities([42 as unknown as string]), 'INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ pattern: 42, position: 0 });
  });

  it('refuses to check what is not a capability, rather than answering false', () => {
    const caps = compileCapabilities(['*']);
    for (const bad of ['', 'tool.*', 'a..b', 'x:', 'x:a\u0000', 7]) {
      const error = thrownBy(() => caps.allows(bad as string), 'INVALID_ARGUMENT');
      expect(error.details.kind, String(bad)).toBe('capability');
    }
  });

  for (const { resource, position, form } of REFUSED_RESOURCES) {
    it(`refuses ${form} in a resource, at position ${position}, never normalizing it`, () => {
      const byItself = thrownBy(() => assertResource(resource), 'INVALID_ARGUMENT');
      expect(byItself.details).toMatchObject({ kind: 'resource', resource, position });
      const cap = `file.read:${resource}`;
      const asCapability = thrownBy(
        () => compileCapabilities(['*', 'file.read:/tmp/**']).allows(cap),
        'INVALID_ARGUMENT',
      );
      expect(asCapability.details).toMatchObject({ kind: 'capability', position: 10 + position });
      const asPattern = thrownBy(() => compileCapabilities([`!${cap}`]), 'INVALID_ARGUMENT');
      expect(asPattern.details).toMatchObject({ pattern: `!${cap}`, position: 11 + position });
    });
  }

  it('takes the look-alikes of refused resources as they are', () => {
    for (const resource of ACCEPTED_RESOURCES) {
      assertResource(resource);
      expect(compileCapabilities([`file.read:${resource}`]).allows(`file.read:${resource}`), resource).toBe(
        true,
      );
    }
    for (const bad of ['', 7, null]) {
      expect(thrownBy(() => assertResource(bad), 'INVALID_ARGUMENT').details.kind).toBe('resource');
    }
  });

  it('checks an action as dotted words without a resource', () => {
    assertAction('tool.read');
    for (const bad of ['', 'tool.', 'file.read:/x', 'a b', 3]) {
      thrownBy(() => assertAction(bad), 'INVALID_ARGUMENT');
    }
  });

  it('keeps grants and denies apart, without duplicates, as written', () => {
    const caps = new CapabilityMatcher(['eval', '!shell', 'eval', 'tool.*', '!shell']);
    expect(caps.granted).toEqual(['eval', 'tool.*']);
    expect(caps.denied).toEqual(['shell']);
    expect(caps.patterns()).toEqual(['eval', 'tool.*', '!shell']);
  });

  it('answers as a plain walk of every pattern does, over random sets (seeded)', () => {
    const random = mulberry32(15);
    const words = ['a', 'b', 'c'];
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const segments = (wild: boolean, choices: readonly string[], sep: string) => {
      const count = 1 + Math.floor(random() * 3);
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const last = i === count - 1;
        out.push(wild && random() < 0.3 ? (last && random() < 0.5 ? '**' : '*') : pick(choices));
      }
      return out.join(sep);
    };
    const action = (wild: boolean) => segments(wild, words, '.');
    const resource = (wild: boolean) =>
      random() < 0.5 ? '' : `:${random() < 0.5 ? '/' : ''}${segments(wild, ['x', 'y'], '/')}`;
    const reference = (patterns: string[], cap: string): boolean => {
      const hit = (pattern: string) => matchesByRegex(pattern, cap);
      return (
        !patterns.filter((p) => p.startsWith('!')).some((p) => hit(p.slice(1))) &&
        patterns.filter((p) => !p.startsWith('!')).some(hit)
      );
    };
    for (let run = 0; run < 500; run++) {
      const patterns = Array.from(
        { length: Math.floor(random() * 4) },
        () => `${random() < 0.2 ? '!' : ''}${action(true)}${resource(true)}`,
      );
      const cap = `${action(false)}${resource(false)}`;
      expect(compileCapabilities(patterns).allows(cap), `${JSON.stringify(patterns)} ${cap}`).toBe(
        reference(patterns, cap),
      );
    }
  });
});

// The grammar again, as regular expressions: an independent reading to compare the compiled matcher with.
function matchesByRegex(pattern: string, cap: string): boolean {
  if (pattern === '*') return true;
  const lineage = /^([A-Za-z0-9_-]+)\.\*$/.exec(pattern);
  if (lineage) return cap.split(/[.:]/)[0] === lineage[1];
  const [actionPattern, resourcePattern] = splitOnce(pattern);
  const [actionCap, resourceCap] = splitOnce(cap);
  const glob = (text: string, sep: string, one: string) => {
    let source = '';
    text.split(sep).forEach((piece, i) => {
      if (piece === '**') source += i === 0 ? '.*' : `(?:${escapeRegex(sep)}.*)?`;
      else source += (i === 0 ? '' : escapeRegex(sep)) + (piece === '*' ? one : escapeRegex(piece));
    });
    return source;
  };
  if (!new RegExp(`^${glob(actionPattern, '.', '[^.]+')}$`).test(actionCap)) return false;
  if (resourcePattern === undefined) return true;
  return (
    resourceCap !== undefined && new RegExp(`^${glob(resourcePattern, '/', '[^/]+')}$`).test(resourceCap)
  );
}

function splitOnce(text: string): [string, string | undefined] {
  const colon = text.indexOf(':');
  return colon < 0 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
