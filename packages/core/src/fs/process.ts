import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** This machine's host name; recorded by locks so that a holder on another host is never judged dead. */
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
  if (process.platform !== 'linux') return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return false;
  }
  // The command name in parentheses may itself hold spaces and parentheses; the state follows the last ')'.
  const end = stat.lastIndexOf(')');
  return end >= 0 && stat.charAt(end + 2) === 'Z';
}
