/**
 * `up` against a controller that cannot go on (issue #11, item 2): one that holds the lock but
 * does not answer, or answers that its journal is wedged beyond repair, is stopped and a new one
 * started (which adopts the session and re-checks the journal). Never a `miyabi run`'s lock, never
 * a pid that was reused since the lock was written.
 */
import { MiyabiError } from '../core/errors.js';
import { readLock } from '../core/instance-lock.js';
import { pidAlive, pidReused, waitGone } from '../core/pid.js';
import type { ProjectPaths } from '../core/paths.js';
import { processIo, type Io } from './io.js';

/** The live controller's pid per the lock, or null (none, a `run`, or a pid reused). */
export function lockedController(paths: ProjectPaths): number | null {
  const lock = readLock(paths.lock);
  if (!lock || lock.role === 'run' || lock.pid === process.pid || !pidAlive(lock.pid) || pidReused(lock.pid, lock.start)) return null;
  return lock.pid;
}

/** SIGTERM (its own clean stop, which leaves the session), then SIGKILL after `graceMs`. */
export async function stopController(pid: number, why: string, io: Io = processIo, graceMs = 3000): Promise<void> {
  io.err(`miyabi: controller pid ${pid} ${why}; restarting it\n`);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitGone(pid, graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  if (!(await waitGone(pid, 2000))) {
    throw new MiyabiError('CONTROLLER_START', `controller pid ${pid} ${why} and did not exit on SIGKILL`, { hint: `kill -9 ${pid}, then \`miyabi up\`` });
  }
}
