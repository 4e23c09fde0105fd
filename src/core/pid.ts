import { readFileSync } from 'node:fs';

/**
 * EPERM means the process exists but is not ours to signal: alive (Nx start-lock.ts). A zombie
 * answers signal 0 too, and an init that reaps slowly (as in containers) keeps one for seconds
 * after the process exited, so on Linux a process in state Z counts as gone.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return stat.slice(close + 2, close + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The start time of a process (clock ticks since boot, /proc/<pid>/stat field 22); null when gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** True when `pid` now belongs to another process than the one that started at `start`. */
export function pidReused(pid: number, start: string | undefined): boolean {
  if (start === undefined || start === '?') return false;
  const now = processStartTime(pid);
  return now !== null && now !== start;
}

/** The process `pid` that started at `start` (when known) is still running: the one check of both. */
export function sameProcessAlive(pid: number, start: string | undefined): boolean {
  return pidAlive(pid) && !pidReused(pid, start);
}

/**
 * Waits until `pid` is gone (polled every `everyMs`, no signal of its own); false when still
 * alive after `deadlineMs`. `down` polls every 5 ms: a poll is one kill(pid, 0), and its wait
 * is on the path of every `down` (issue #17).
 */
export async function waitGone(pid: number, deadlineMs: number, everyMs = 20): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return !pidAlive(pid);
}
