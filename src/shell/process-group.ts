/**
 * Process groups: a command spawned detached leads a group of its own, and killing the group ends
 * the command and everything it started (a timeout or a cancel must leave no grandchild behind).
 */

/** After SIGTERM, a group gets this long before SIGKILL. */
export const KILL_GRACE_MS = 1500;

/** Signals a whole process group; false when it is already gone. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM now, SIGKILL after the grace period if anything of the group is left. */
export function terminateGroup(pgid: number, graceMs = KILL_GRACE_MS): void {
  if (!killGroup(pgid, 'SIGTERM')) return;
  const t = setTimeout(() => killGroup(pgid, 'SIGKILL'), graceMs);
  t.unref();
}

