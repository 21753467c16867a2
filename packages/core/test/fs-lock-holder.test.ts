import { describe, expect, it } from 'vitest';
import { freeName, type Holder, heldName, parseToken } from '../src/fs/holder.js';

const LONGEST: Holder = {
  pid: 4_294_967_295,
  start: '18446744073709551615',
  pidNs: '4294967295',
  timeNs: '4294967295',
  boot: 'ffffffff-ffff-4fff-bfff-ffffffffffff',
  host: 'é'.repeat(200),
  leaseMs: 2 ** 31 - 1,
};

describe('lock token names', () => {
  it('stay within 255 bytes for the largest values and round-trip what they record', () => {
    // The largest fence is one below MAX_SAFE_INTEGER: the next one must still be exact.
    const name = heldName(Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER, LONGEST);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    const token = parseToken(name, 1);
    expect(token).toMatchObject({ fence: Number.MAX_SAFE_INTEGER - 1, beat: Number.MAX_SAFE_INTEGER });
    // The host is cut to 64 bytes (32 two-byte characters).
    expect(token?.holder).toEqual({ ...LONGEST, host: 'é'.repeat(32) });
  });

  it('keep unknown fields empty, and parse free tokens and those of earlier versions', () => {
    const unknown: Holder = { pid: 7, start: '', pidNs: '', timeNs: '', boot: '', host: 'h', leaseMs: 5 };
    expect(parseToken(heldName(3, 0, unknown), 1)?.holder).toEqual(unknown);
    expect(parseToken(freeName(12), 1)).toEqual({ entry: '12.free', fence: 12, beat: 0, holder: null });
    const legacy = `5.42.${Buffer.from('box').toString('base64url')}.lock`;
    expect(parseToken(legacy, 9_000)).toEqual({
      entry: legacy,
      fence: 5,
      beat: 0,
      holder: { pid: 42, start: '', pidNs: '', timeNs: '', boot: '', host: 'box', leaseMs: 9_000 },
    });
    for (const junk of ['notes.txt', '1.free.tmp', '1.2.lock', 'x.free'])
      expect(parseToken(junk, 1)).toBeNull();
  });

  it('are not tokens unless every number is exact, has no leading zero, and the lease is in bounds', () => {
    const holder: Holder = { ...LONGEST, host: 'h', leaseMs: 10_000 };
    const held = (fence: string, beat = '0', change: Partial<Holder> = {}) =>
      `${fence}.${beat}.${heldName(0, 0, { ...holder, ...change })
        .split('.')
        .slice(2)
        .join('.')}`;
    expect(parseToken(held('7', '3'), 1)).toMatchObject({ fence: 7, beat: 3 });
    const invalid = [
      // Fences whose successor is not exact: one fence would be handed out again and again.
      `${Number.MAX_SAFE_INTEGER}.free`,
      '9007199254740993.free',
      held('9007199254740993'),
      `${'9'.repeat(250)}.free`,
      // Leading zeros: two names for one state.
      '07.free',
      held('07'),
      held('7', '03'),
      held('7', String(2 ** 53)),
      held('7', '0', { leaseMs: 4 }),
      held('7', '0', { leaseMs: 2 ** 31 }),
      held('7', '0', { pid: 0 }),
      `5.0${Buffer.from('box').toString('base64url')}.lock`,
      `${'9'.repeat(20)}.42.${Buffer.from('box').toString('base64url')}.lock`,
    ];
    for (const name of invalid) expect(parseToken(name, 1), name).toBeNull();
  });
});
