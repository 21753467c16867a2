import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** This machine's host name; recorded by locks for diagnostics and on platforms without /proc. */
export function thisHost(): string {
  return hostname();
}

/**
 * True unless process `pid` certainly no longer runs on this host.
 * A process that exists but belongs to another user counts as alive; so does an unreaped zombie
 * where the platform cannot tell one apart (Linux can, through /proc).
 */
export function isProcessAlive(pid: number): boolean {
  // kill(0) and negative pids address process groups, never one process.
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

// A killed process stays signalable until its parent reaps it; its lock must be free all the same.
function isZombie(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== null && fields[0] === 'Z';
}

/**
 * Who a process is, beyond its pid: enough to tell it apart from a later process given the same pid, and
 * to know when its pid cannot be checked from here. Empty strings stand for what is unknown.
 */
export interface ProcessIdentity {
  pid: number;
  /** Start time, in clock ticks after boot (field 22 of /proc/<pid>/stat). */
  start: string;
  /** Inode of the pid namespace (from readlink /proc/self/ns/pid): pids mean something only within it. */
  pidNs: string;
  /** Inode of the time namespace: start times are read relative to its boot time. */
  timeNs: string;
  /** /proc/sys/kernel/random/boot_id: one per kernel boot, so start times compare only within it. */
  boot: string;
  host: string;
}

interface OwnIdentity extends ProcessIdentity {
  // True when /proc shows the pids of our own pid namespace, so /proc/<pid> names the pid a holder of
  // our namespace recorded (false for a /proc mounted from a parent namespace, or none at all).
  procIsOurs: boolean;
}

let own: OwnIdentity | undefined;

/** This process's identity (read once; /proc is not read on platforms that lack it). */
export function thisProcess(): ProcessIdentity {
  return ownIdentity();
}

function ownIdentity(): OwnIdentity {
  if (own?.pid === process.pid) return own;
  const linux = process.platform === 'linux';
  const self = linux ? statFields('self') : null;
  own = {
    pid: process.pid,
    start: self?.[19] ?? '',
    pidNs: linux ? namespaceOf('self', 'pid') : '',
    timeNs: linux ? namespaceOf('self', 'time') : '',
    boot: linux ? readText('/proc/sys/kernel/random/boot_id') : '',
    host: thisHost(),
    procIsOurs: linux && procShowsOurNamespace(),
  };
  return own;
}

/**
 * What can be said for certain about the process that recorded `holder`:
 * - `'alive'`: it still runs (same kernel boot and pid namespace, and the process now holding its pid
 *   started when it did);
 * - `'dead'`: it certainly no longer runs: no process has its pid, or one that started at another time
 *   (the pid was reused), or it is a zombie;
 * - `'unknown'`: it cannot be checked from here (another pid namespace, time namespace, boot or host;
 *   /proc missing, hidden or showing another namespace). A caller must then rely on something else,
 *   such as a lease.
 */
export function holderState(holder: ProcessIdentity): 'alive' | 'dead' | 'unknown' {
  const me = ownIdentity();
  if (!Number.isSafeInteger(holder.pid) || holder.pid <= 0) return 'unknown';
  if (me.boot === '' && holder.boot === '') {
    // No /proc on either side (macOS, Windows: no pid namespaces there): the pid on one host is all
    // there is; pid reuse makes a dead holder look alive, never the reverse.
    if (process.platform === 'linux' || holder.host !== me.host) return 'unknown';
    return isProcessAlive(holder.pid) ? 'alive' : 'dead';
  }
  if (!me.procIsOurs || me.pidNs === '' || holder.start === '') return 'unknown';
  if (holder.boot !== me.boot || holder.pidNs !== me.pidNs || holder.timeNs !== me.timeNs) return 'unknown';
  if (holder.pid === me.pid) return holder.start === me.start ? 'alive' : 'dead';
  const fields = statFields(holder.pid);
  if (fields === null) {
    // No /proc entry: gone, unless /proc hides other users' processes (hidepid); kill() tells them apart.
    try {
      process.kill(holder.pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
    }
    return 'unknown';
  }
  if (fields[0] === 'Z' || fields[19] !== holder.start) return 'dead';
  return 'alive';
}

// The fields of /proc/<pid>/stat after the command name, from field 3 (the state) on; null when absent.
function statFields(pid: number | 'self'): string[] | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name in parentheses may itself hold spaces and parentheses; the state follows the last ')'.
  const end = stat.lastIndexOf(')');
  return end < 0 ? null : stat.slice(end + 2).split(' ');
}

function namespaceOf(pid: 'self', kind: 'pid' | 'time'): string {
  try {
    return /\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/ns/${kind}`))?.[1] ?? '';
  } catch {
    return '';
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'latin1').trim();
  } catch {
    return '';
  }
}

// NSpid lists a process's pid in the namespace /proc was mounted for and in each nested one down to its
// own: a single entry equal to our pid means /proc is our namespace's.
function procShowsOurNamespace(): boolean {
  const line = /^NSpid:\s*(.*)$/m.exec(readText('/proc/self/status'))?.[1];
  if (line === undefined) return false;
  const pids = line.trim().split(/\s+/);
  return pids.length === 1 && pids[0] === String(process.pid);
}
