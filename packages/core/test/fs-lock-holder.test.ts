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
    const name = heldName(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, LONGEST);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    const token = parseToken(name, 1);
    expect(token).toMatchObject({ fence: Number.MAX_SAFE_INTEGER, beat: Number.MAX_SAFE_INTEGER });
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
});
