import { describe, expect, it } from 'vitest';
import { artifactKey, keyString } from '../src/index.js';

describe('artifactKey', () => {
  it('gives equal keys for equal inputs whatever their key or insertion order', () => {
    const a = artifactKey(
      { op: 'sum', args: [1, 2] },
      new Map([
        ['x', '1'],
        ['y', '2'],
      ]),
      { t: 0, u: 1 },
    );
    const b = artifactKey({ args: [1, 2], op: 'sum' }, { y: '2', x: '1' }, { u: 1, t: 0 });
    expect(a).toStrictEqual(b);
    expect(a.exprKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives different keys for different expressions, fingerprints or params, and none without params', () => {
    const base = artifactKey('e', { x: '1' });
    expect(base.paramsKey).toBeUndefined();
    expect(artifactKey('f', { x: '1' }).exprKey).not.toBe(base.exprKey);
    expect(artifactKey('e', { x: '2' }).depsFingerprint).not.toBe(base.depsFingerprint);
    expect(artifactKey('e', { x: '1' }, 1).paramsKey).not.toBe(artifactKey('e', { x: '1' }, '1').paramsKey);
  });

  it('refuses an expression that is not a value', () => {
    expect(() => artifactKey((() => 1) as never, {})).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('keyString', () => {
  it('is versioned and tells every part apart, paramsKey absent from present', () => {
    const plain = keyString({ exprKey: 'e', depsFingerprint: 'd' });
    expect(plain).toMatch(/^artifact\.v1\.[0-9a-f]{64}$/);
    const others = [
      keyString({ exprKey: 'e', depsFingerprint: 'd', paramsKey: 'null' }),
      keyString({ exprKey: 'd', depsFingerprint: 'e' }),
      keyString({ exprKey: 'e","d', depsFingerprint: '' }),
    ];
    expect(new Set([plain, ...others]).size).toBe(4);
  });
});
