/**
 * One controller per project (or one `miyabi run` hosting a pipeline while no controller runs):
 * the lock file `.miyabi/controller.lock`, taken with the one lock primitive (file-lock.ts). The
 * CLI reads it (status, doctor, down, cancel) and `miyabi run` takes it, so it lives in core.
 */
import { readFileSync } from 'node:fs';
import { MiyabiError } from './errors.js';
import { readFileSafe, selfOwner, tryLock, unlock } from './file-lock.js';
import { pidAlive, processStartTime } from './pid.js';
import { writeFileAtomic } from './atomic-write.js';

export { pidAlive };

export interface LockInfo {
  pid: number;
  startedAt: number;
  socket: string;
  /** A controller, or a `miyabi run` hosting a pipeline run while no controller runs. */
  role?: 'controller' | 'run';
  /** The holder's processStartTime: a pid reused after a crash is not taken for the holder. */
  start?: string;
  /** Set by handLock: the `up` that took the lock and passed it to this holder, its controller. */
  handedBy?: number;
}

export function readLock(path: string): LockInfo | null {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof j.pid !== 'number') return null;
    return {
      pid: j.pid,
      startedAt: j.startedAt ?? 0,
      socket: j.socket ?? '',
      ...(j.role ? { role: j.role } : {}),
      ...(typeof j.start === 'string' ? { start: j.start } : {}),
      ...(typeof j.handedBy === 'number' ? { handedBy: j.handedBy } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * Takes the project lock; throws CONTROLLER_RUNNING naming the holder when a live one has it.
 * `handedBy`: the pid of the `up` that started us and passed us its lock (handLock).
 */
export function acquireLock(path: string, socket: string, role: 'controller' | 'run' = 'controller', handedBy?: number): { release: () => void; text: string } {
  const info: LockInfo = { ...selfOwner(), startedAt: Date.now(), socket, role };
  const text = JSON.stringify(info);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (tryLock(path, text)) return { release: () => unlock(path, text), text };
    const held = readLock(path);
    // Handed to us: ours, with our own record in it.
    const handed = handedBy !== undefined && held?.handedBy === handedBy && held.pid === info.pid && held.start === info.start;
    if (handed && replaceLock(path, text)) return { release: () => unlock(path, text), text };
    if (!held) {
      pause(20); // released, or being taken over, between our two looks
      continue;
    }
    if (held.role === 'run') {
      throw new MiyabiError('CONTROLLER_RUNNING', `\`miyabi run\` (pid ${held.pid}) is running a pipeline here with no controller, and holds the project until its run ends`, {
        hint: '`miyabi runs` shows it; wait for it, or stop it with `miyabi cancel RUN`',
        detail: { pid: held.pid, role: 'run' },
      });
    }
    throw new MiyabiError('CONTROLLER_RUNNING', `a controller is already running (pid ${held.pid}, socket ${held.socket})`, {
      hint: `use \`miyabi status\`; if no controller runs, remove ${path} and try again`,
      detail: { pid: held.pid },
    });
  }
  throw new MiyabiError('CONTROLLER_START', `could not take the controller lock ${path}`, {
    hint: 'another controller is starting; try again',
  });
}

/**
 * Passes a lock this process holds (`text`, from acquireLock) to `pid`, a child it started to hold
 * it on (`up` builds the session, then its controller holds the project: session/handover.ts).
 * The file never goes missing meanwhile, so no other `up` can take it between the two.
 */
export function handLock(path: string, text: string, pid: number, socket: string): boolean {
  if (readFileSafe(path) !== text) return false;
  const start = processStartTime(pid);
  const info: LockInfo = { pid, ...(start ? { start } : {}), startedAt: Date.now(), socket, role: 'controller', handedBy: process.pid };
  return replaceLock(path, JSON.stringify(info));
}

/** Rewrites the lock file in one step (rename), never leaving it absent. */
function replaceLock(path: string, text: string): boolean {
  try {
    writeFileAtomic(path, text, { mode: 0o600, durable: false, what: 'controller lock' });
    return true;
  } catch {
    return false;
  }
}

/** A short synchronous pause: lock contention happens only at start-up. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
