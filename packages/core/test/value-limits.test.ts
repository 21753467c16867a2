import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { canonicalize, digestOf } from '../src/canonical.js';
import { isOmegaError } from '../src/errors.js';
import { MAX_ARRAY_LENGTH, MAX_DEPTH, MAX_HOLES, MAX_PARTS } from '../src/json.js';
import { cloneVal, decode, encode, fromJsonValue } from '../src/serde.js';
import { thrownBy } from '../src/testing.js';
import type { Val } from '../src/val.js';
import { explainNotVal } from '../src/val.js';

const ALL_WRITERS: [string, (value: Val) => unknown][] = [
  ['encode', encode],
  ['cloneVal', cloneVal],
  ['canonicalize', canonicalize],
];

function nestedText(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

describe('value limits: sparse arrays are bounded before they are walked', () => {
  it.each(ALL_WRITERS)('%s refuses a sparse array of length 2**32-1 before walking it', (_, write) => {
    const sparse: Val[] = [];
    sparse.length = 2 ** 32 - 1;
    const error = thrownBy(() => write({ big: sparse }), 'INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ path: '$.big' });
    expect(String((error.details as { reason: string }).reason)).toContain(String(MAX_ARRAY_LENGTH));
  });

  it.each(ALL_WRITERS)(
    '%s refuses a sparse array of length 1e7 after MAX_HOLES holes, not 1e7',
    (_, write) => {
      const sparse: Val[] = [1];
      sparse.length = 1e7;
      const error = thrownBy(() => write([sparse]), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ path: `$[0][${MAX_HOLES + 1}]` });
      expect(String((error.details as { reason: string }).reason)).toContain(String(MAX_HOLES));
    },
  );

  it('counts holes across the whole value, not per array', () => {
    const half = (): Val[] => {
      const a: Val[] = [];
      a.length = MAX_HOLES / 2 + 1;
      return a;
    };
    expect(
      isOmegaError(
        catchOf(() => encode([half(), half()])),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(decode(encode([half()])) as Val[][]).toHaveLength(1);
  });

  it('isVal says no to an over-long array', () => {
    const sparse: Val[] = [];
    sparse.length = MAX_ARRAY_LENGTH + 1;
    expect(explainNotVal(sparse)).toMatchObject({ path: '$' });
  });
});

function catchOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('value limits: what a load reads satisfies what a save accepts', () => {
  it('saves and loads exactly MAX_DEPTH levels', () => {
    const text = nestedText(MAX_DEPTH);
    expect(encode(decode(text))).toBe(text);
  });

  it.each([MAX_DEPTH + 1, 2000, 100_000])(
    'decode refuses %i nested arrays with CorruptDataError',
    (levels) => {
      const error = thrownBy(() => decode(nestedText(levels)), 'CORRUPT_DATA');
      expect(String((error.details as { reason: string }).reason)).toContain(String(MAX_DEPTH));
      expect((error.details as { path: string }).path).toMatch(/^\$(\[0\])*$/);
    },
  );

  it('names the path of the first container past the limit', () => {
    const text = `{"a":${nestedText(MAX_DEPTH)}}`;
    expect(thrownBy(() => decode(text), 'CORRUPT_DATA').details).toMatchObject({
      path: `$.a${'[0]'.repeat(MAX_DEPTH - 1)}`,
    });
  });

  it('counts a Map, a Set and an escaped object as one level each, like save does', () => {
    // MAX_DEPTH - 1 arrays around one Map holding an empty array: MAX_DEPTH + 1 levels.
    const deepMap = (inner: Val): Val => {
      let value: Val = new Map<Val, Val>([['k', inner]]);
      for (let i = 1; i < MAX_DEPTH; i++) value = [value];
      return value;
    };
    const ok = deepMap(1);
    expect(decode(encode(ok))).toBeInstanceOf(Array);
    const tooDeep = deepMap([]);
    thrownBy(() => encode(tooDeep), 'INVALID_ARGUMENT');
    // The same depth, written by hand: tag objects are not levels of the user's value.
    let text = '{"$t":"Map","v":[["k",[]]]}';
    for (let i = 1; i < MAX_DEPTH; i++) text = `[${text}]`;

    thrownBy(() => decode(text), 'CORRUPT_DATA');
    expect(decode(text.replace('"k",[]', '"k",1'))).toBeInstanceOf(Array);
    let setText = '{"$t":"Set","v":[[]]}';
    for (let i = 1; i < MAX_DEPTH; i++) setText = `[${setText}]`;
    thrownBy(() => decode(setText), 'CORRUPT_DATA');
    let objText = '{"$t":"object","v":{"$t":1,"x":[]}}';
    for (let i = 1; i < MAX_DEPTH; i++) objText = `[${objText}]`;
    thrownBy(() => decode(objText), 'CORRUPT_DATA');
    expect(decode(objText.replace('"x":[]', '"x":1'))).toBeInstanceOf(Array);
  });

  it('fromJsonValue refuses what decode refuses', () => {
    thrownBy(() => fromJsonValue(JSON.parse(nestedText(2000))), 'CORRUPT_DATA');
  });
});

describe('value limits: each property read once, only plain values', () => {
  it('reads a getter once: what is stored is what that read gave', () => {
    let reads = 0;
    const value = {
      get x(): Val {
        reads++;
        return (reads === 1 ? 1 : () => 1) as Val;
      },
    };
    const stored: [string, (value: Val) => unknown, unknown][] = [
      ['encode', encode, '{"x":1}'],
      ['cloneVal', cloneVal, { x: 1 }],
      ['canonicalize', canonicalize, '{"x":1}'],
    ];
    for (const [, write, expected] of stored) {
      reads = 0;
      expect(write(value)).toEqual(expected);
      expect(reads).toBe(1);
    }
  });

  it('refuses a getter whose one read gives what is not a value, naming its path', () => {
    let reads = 0;
    const value = {
      a: {
        get f(): Val {
          reads++;
          return (() => 1) as unknown as Val;
        },
      },
    };
    for (const [, write] of ALL_WRITERS) {
      reads = 0;
      expect(thrownBy(() => write(value), 'INVALID_ARGUMENT').details).toMatchObject({ path: '$.a.f' });
      expect(reads).toBe(1);
    }
  });

  it('turns a throwing getter into a typed error naming its path, with the cause', () => {
    const thrown = new Error('getter ran');
    const value = {
      a: [
        {
          ok: 1,
          get boom(): Val {
            throw thrown;
          },
        },
      ],
    };
    for (const [, write] of ALL_WRITERS) {
      const error = thrownBy(() => write(value), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ path: '$.a[0].boom' });
      expect(error.cause).toBe(thrown);
    }
    expect(explainNotVal(value)).toMatchObject({ path: '$.a[0].boom' });
  });

  it('reads each getter once also past the untracked levels and in arrays', () => {
    const reads = { leaf: 0, item: 0 };
    const leaf = {
      get x(): Val {
        reads.leaf++;
        return reads.leaf === 1 ? 'first' : ((() => 1) as unknown as Val);
      },
    };
    const items: Val[] = [];
    Object.defineProperty(items, 0, {
      get: (): Val => {
        reads.item++;
        return reads.item === 1 ? 'first' : ((() => 1) as unknown as Val);
      },
      enumerable: true,
      configurable: true,
    });
    let deep: Val = leaf;
    for (let i = 0; i < 300; i++) deep = [deep];
    for (const [, write] of ALL_WRITERS) {
      reads.leaf = 0;
      reads.item = 0;
      write([deep, items]);
      expect(reads).toEqual({ leaf: 1, item: 1 });
    }
    reads.leaf = 0;
    reads.item = 0;
    expect((decode(encode([items])) as Val[])[0]).toEqual(['first']);
  });

  it('stores what was read before a getter rewrote it, in arrays and in objects', () => {
    const items: Val[] = [1, 'two'];
    const record: Record<string, Val> = { a: 1 };
    const rewrite = () => {
      items[0] = (() => 1) as unknown as Val;
      record.a = (() => 1) as unknown as Val;
    };
    items.push({
      get x(): Val {
        rewrite();
        return 2;
      },
    });
    record.b = {
      get x(): Val {
        rewrite();
        return 2;
      },
    };
    expect(encode(items)).toBe('[1,"two",{"x":2}]');
    record.a = 1;
    expect(encode(record)).toBe('{"a":1,"b":{"x":2}}');
  });

  it('names the first repeat of a cycle, also one found past the untracked levels', () => {
    const loop: Val[] = [];
    loop.push(loop);
    for (const [, write] of ALL_WRITERS) {
      expect(thrownBy(() => write({ a: [loop] }), 'INVALID_ARGUMENT').details).toEqual({
        path: '$.a[0][0]',
        reason: 'a cycle',
      });
    }
    const far: Record<string, Val> = {};
    let inner: Val = far;
    for (let i = 0; i < 200; i++) inner = [inner];
    far.again = inner;
    for (const [, write] of ALL_WRITERS) {
      expect(thrownBy(() => write(far), 'INVALID_ARGUMENT').details).toEqual({
        path: `$.again${'[0]'.repeat(200)}`,
        reason: 'a cycle',
      });
    }
    // A second child at the first tracked level, pointing back up: the ancestors kept for the first child
    // still hold the whole path.
    const levels: Val[][] = [[]];
    for (let i = 1; i < 128; i++) {
      const next: Val[] = [];
      levels[i - 1]!.push(next);
      levels.push(next);
    }
    levels[127]!.push([1], [2], levels[50]!);
    for (const [, write] of ALL_WRITERS) {
      expect(thrownBy(() => write(levels[0]!), 'INVALID_ARGUMENT').details).toEqual({
        path: `$${'[0]'.repeat(127)}[2]`,
        reason: 'a cycle',
      });
    }
  });

  it('refuses proxies, revoked ones included, without running traps', () => {
    let trapped = 0;
    const handler: ProxyHandler<object> = {
      get: (t, k) => {
        trapped++;
        return Reflect.get(t, k);
      },
      getPrototypeOf: (t) => {
        trapped++;
        return Reflect.getPrototypeOf(t);
      },
      ownKeys: (t) => {
        trapped++;
        return Reflect.ownKeys(t);
      },
    };
    const revocable = Proxy.revocable({ a: 1 }, {});
    revocable.revoke();
    const cases: Val[] = [
      new Proxy({ a: 1 }, handler) as Val,
      new Proxy([1, 2], handler) as Val,
      revocable.proxy as Val,
      Proxy.revocable([], {}).proxy as Val,
    ];
    for (const proxy of cases) {
      for (const [, write] of ALL_WRITERS) {
        expect(thrownBy(() => write({ p: proxy }), 'INVALID_ARGUMENT').details).toMatchObject({
          path: '$.p',
        });
      }
    }
    expect(trapped).toBe(0);
  });

  it('refuses subclasses of Map, Set, Date, Array and Uint8Array', () => {
    class MyMap extends Map<Val, Val> {}
    class MySet extends Set<Val> {}
    class MyDate extends Date {}
    class MyArray extends Array<Val> {}
    class MyBytes extends Uint8Array {}
    for (const value of [new MyMap(), new MySet(), new MyDate(0), MyArray.from([1]), new MyBytes(2)]) {
      for (const [, write] of ALL_WRITERS) {
        expect(thrownBy(() => write([value as Val]), 'INVALID_ARGUMENT').details).toMatchObject({
          path: '$[0]',
        });
      }
    }
  });

  it('still stores a Buffer as its bytes and keeps plain values as they were', () => {
    const value = { b: Buffer.from([1, 2]), m: new Map([[1, [2]]]), d: new Date(5), s: new Set([1]) };
    expect(decode(encode(value))).toEqual({ ...value, b: new Uint8Array([1, 2]) });
    expect(cloneVal(value).b).toEqual(new Uint8Array([1, 2]));
  });
});

describe('value limits: parts are counted on every path that reaches them', () => {
  /** `v = [v, v]`, `levels` times: levels + 1 arrays, 2^(levels+1) - 2 parts. */
  function halves(levels: number): Val {
    let value: Val = [];
    for (let i = 0; i < levels; i++) value = [value, value];
    return value;
  }

  const WALKS: [string, (value: Val) => unknown][] = [...ALL_WRITERS, ['digestOf', digestOf]];

  it.each([25, 28])('every walk refuses %i levels of shared halves, naming the bound', (levels) => {
    const value = halves(levels);
    for (const [name, walk] of WALKS) {
      const error = thrownBy(() => walk(value), 'INVALID_ARGUMENT');
      const { reason, path } = error.details as { reason: string; path: string };
      expect(reason, name).toContain(String(MAX_PARTS));
      expect(path, name).toMatch(/^\$(\[[01]\])*$/);
    }
    expect(explainNotVal(value)?.reason).toContain(String(MAX_PARTS));
    const copied = thrownBy(() => fromJsonValue(value), 'CORRUPT_DATA');
    expect((copied.details as { reason: string }).reason).toContain(String(MAX_PARTS));
  });

  it('refuses shared parts inside Maps and Sets, and keeps values of shared parts below the bound', () => {
    let map: Val = new Map();
    for (let i = 0; i < 26; i++)
      map = new Map<Val, Val>([
        [1, map],
        [2, new Set([map])],
      ]);
    const error = thrownBy(() => cloneVal({ map }), 'INVALID_ARGUMENT');
    expect((error.details as { reason: string }).reason).toContain(String(MAX_PARTS));
    const small = halves(12);
    expect(decode(encode(small))).toStrictEqual(small);
    expect(cloneVal(small)).toStrictEqual(small);
    expect(fromJsonValue(JSON.parse(encode(small)))).toStrictEqual(small);
  });
});

describe('value limits: arrays, Dates, Maps, Sets and bytes carry nothing besides their contents', () => {
  const adorned = (): [string, Val][] => {
    const sparse: Val[] = [1];
    sparse[5] = 2;
    const long = Array.from({ length: 100 }, (_, i) => i);
    return [
      ['an array', [1]],
      ['an empty array', []],
      ['a sparse array', sparse],
      ['a long array', long],
      ['a Date', new Date(0)],
      ['a Map', new Map([[1, 2]])],
      ['a Set', new Set([1])],
      ['a Uint8Array', new Uint8Array([1, 2])],
      ['a Buffer', Buffer.from('ab')],
    ];
  };

  it.each(adorned().map(([label]) => label))('every walk refuses %s with an own property', (label) => {
    for (const [name, walk] of ALL_WRITERS) {
      const value = adorned().find(([l]) => l === label)![1] as object;
      Object.assign(value, { x: 1 });
      const error = thrownBy(() => walk({ v: value as Val }), 'INVALID_ARGUMENT');
      expect(error.details, name).toMatchObject({ path: '$.v' });
      expect((error.details as { reason: string }).reason, name).toContain('own properties');
    }
  });

  it('keeps symbol-keyed and non-enumerable properties out of the value, as on plain objects', () => {
    for (const [label, value] of adorned()) {
      Object.defineProperty(value, 'hidden', { value: 1, enumerable: false });
      (value as unknown as Record<symbol, number>)[Symbol('s')] = 1;
      expect(explainNotVal({ v: value }), label).toBeNull();
    }
  });
});
