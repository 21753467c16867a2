import type { ProcessIdentity } from './process.js';

/*
 * Token names of the lock (see lock.ts). A name is at most 255 bytes, so the holder is encoded compactly:
 *   <fence>.free
 *   <fence>.<beat>.<leaseMs>.<pid>.<start>.<pidNs>.<timeNs>.<boot>.<host>.lock
 * <beat> counts the holder's heartbeats, <leaseMs> is how long a contender that cannot check the holder
 * waits for the next one, <start>/<pidNs>/<timeNs> are decimal (empty when unknown), <boot> is the boot
 * id's 16 bytes in base64url (22 characters) and <host> the first 64 bytes of the host name in base64url
 * (at most 86). With 16-digit fences and beats, 10-digit leases, pids and namespaces and a 20-digit start
 * time, the longest name is 213 bytes.
 * The name of earlier versions, <fence>.<pid>.<host>.lock, is read as a holder that cannot be checked
 * with the default lease.
 * Parsing is strict, as anyone who can write the store can write names: numbers are decimal without
 * leading zeros, fences and beats safe integers (a fence one below the largest, so the next one is
 * still exact), leases within the bounds acquireLock accepts. Anything else is not a token.
 */

/** A holder as recorded in its token's name. */
export interface Holder extends ProcessIdentity {
  leaseMs: number;
}

/** A parsed token name. */
export interface Token {
  entry: string;
  fence: number;
  /** Heartbeats of the holder so far (0 for a free token). */
  beat: number;
  holder: Holder | null;
}

/** The shortest lease: five heartbeats of at least a millisecond each. */
export const MIN_LEASE_MS = 5;
/** The longest lease: setInterval's largest delay (a longer one would never expire in practice anyway). */
export const MAX_LEASE_MS = 2 ** 31 - 1;

const HOST_BYTES = 64;
// A fence or beat has at most 16 digits (safe integers); other numbers at most 20 (a 64-bit start time).
const COUNT = '(0|[1-9]\\d{0,15})';
const ID = '([1-9]\\d{0,19})';
const OPTIONAL = '(|0|[1-9]\\d{0,19})';
const HOST = '([A-Za-z0-9_-]{0,86})';
const FREE = new RegExp(`^${COUNT}\\.free$`);
const HELD = new RegExp(
  `^${COUNT}\\.${COUNT}\\.${ID}\\.${ID}\\.${OPTIONAL}\\.${OPTIONAL}\\.${OPTIONAL}` +
    `\\.([A-Za-z0-9_-]{22}|)\\.${HOST}\\.lock$`,
);
const LEGACY = new RegExp(`^${COUNT}\\.${ID}\\.${HOST}\\.lock$`);

/** The name of a free token whose last fence was `fence`. */
export function freeName(fence: number): string {
  return `${fence}.free`;
}

/** The name of the token held by `holder` with fencing token `fence`, after `beat` heartbeats. */
export function heldName(fence: number, beat: number, holder: Holder): string {
  return `${fence}.${beat}.${holderPart(holder)}`;
}

// The last holder named and its part of the name: a process names itself the same way at every save, and
// encoding the boot id and host each time cost a small save 2 µs.
let named: { holder: Holder; part: string } | null = null;

/**
 * What follows `<fence>.<beat>.` in a held name:
 * `<leaseMs>.<pid>.<start>.<pidNs>.<timeNs>.<boot>.<host>.lock`.
 */
export function holderPart(holder: Holder): string {
  if (named !== null && sameHolder(named.holder, holder)) return named.part;
  const host = Buffer.from(holder.host, 'utf8').subarray(0, HOST_BYTES).toString('base64url');
  const { leaseMs, pid, start, pidNs, timeNs, boot } = holder;
  const part = [leaseMs, pid, start, pidNs, timeNs, encodeBoot(boot), host, 'lock'].join('.');
  named = { holder: { ...holder }, part };
  return part;
}

function sameHolder(a: Holder, b: Holder): boolean {
  return (
    a.leaseMs === b.leaseMs &&
    a.pid === b.pid &&
    a.start === b.start &&
    a.pidNs === b.pidNs &&
    a.timeNs === b.timeNs &&
    a.boot === b.boot &&
    a.host === b.host
  );
}

/** Parses a token name; null for a name that is not a valid token (see the rules above). */
export function parseToken(entry: string, legacyLeaseMs: number): Token | null {
  const free = FREE.exec(entry);
  if (free) {
    const fence = Number(free[1]);
    return isFence(fence) ? { entry, fence, beat: 0, holder: null } : null;
  }
  const held = HELD.exec(entry);
  if (held) {
    const [, fence, beat, leaseMs, pid, start, pidNs, timeNs, boot, host] = held as unknown as string[];
    const token = {
      entry,
      fence: Number(fence),
      beat: Number(beat),
      holder: {
        leaseMs: Number(leaseMs),
        pid: Number(pid),
        start: start!,
        pidNs: pidNs!,
        timeNs: timeNs!,
        boot: decodeBoot(boot!),
        host: Buffer.from(host!, 'base64url').toString('utf8'),
      },
    };
    return isFence(token.fence) && isHeld(token) ? token : null;
  }
  const legacy = LEGACY.exec(entry);
  if (!legacy) return null;
  const token = {
    entry,
    fence: Number(legacy[1]),
    beat: 0,
    holder: {
      leaseMs: legacyLeaseMs,
      pid: Number(legacy[2]),
      start: '',
      pidNs: '',
      timeNs: '',
      boot: '',
      host: Buffer.from(legacy[3]!, 'base64url').toString('utf8'),
    },
  };
  return isFence(token.fence) && isHeld(token) ? token : null;
}

// A fence whose successor is still exact: past it, fence + 1 would round back to the same number.
function isFence(fence: number): boolean {
  return fence < Number.MAX_SAFE_INTEGER;
}

function isHeld(token: Token): boolean {
  const { leaseMs, pid } = token.holder!;
  return (
    Number.isSafeInteger(token.beat) &&
    leaseMs >= MIN_LEASE_MS &&
    leaseMs <= MAX_LEASE_MS &&
    Number.isSafeInteger(pid)
  );
}

const BOOT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A boot id in 22 base64url characters (empty when it is not one). */
export function encodeBoot(boot: string): string {
  return BOOT_ID.test(boot) ? Buffer.from(boot.replaceAll('-', ''), 'hex').toString('base64url') : '';
}

/** The boot id {@link encodeBoot} encoded. */
export function decodeBoot(encoded: string): string {
  if (encoded === '') return '';
  const hex = Buffer.from(encoded, 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
