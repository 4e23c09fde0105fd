import { readFileSync, unlinkSync } from 'node:fs';
import { createExclusive, readFileSafe, rmSafe } from './file-lock.js';
import { MiyabiError } from './errors.js';
import { pidAlive } from './pid.js';

export { pidAlive };

export interface LockInfo {
  pid: number;
  startedAt: number;
  socket: string;
  /** A controller, or a `miyabi run` hosting a pipeline run while no controller runs. */
  role?: 'controller' | 'run';
}

export function readLock(path: string): LockInfo | null {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof j.pid !== 'number') return null;
    return { pid: j.pid, startedAt: j.startedAt ?? 0, socket: j.socket ?? '', ...(j.role ? { role: j.role } : {}) };
  } catch {
    return null;
  }
}

/**
 * One controller per project. The lock file is created with O_EXCL; a lock whose pid is dead is
 * stale and taken over. Takeover itself is serialized by a second O_EXCL file: without it, two
 * takers that both judged the old lock stale could each remove what the other had just created.
 */
export function acquireLock(path: string, socket: string, role: 'controller' | 'run' = 'controller'): { release: () => void } {
  const info: LockInfo = { pid: process.pid, startedAt: Date.now(), socket, role };
  const release = () => {
    const now = readLock(path);
    if (now?.pid === process.pid) unlinkSync(path);
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(path, JSON.stringify(info))) return { release };
    const held = readLock(path);
    if (held && pidAlive(held.pid)) {
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
    const takeover = `${path}.takeover`;
    if (!createExclusive(takeover, String(process.pid))) {
      // Someone else is taking over; a takeover file left by a dead taker is removed.
      const owner = Number(readFileSafe(takeover));
      if (!pidAlive(owner)) rmSafe(takeover);
      pause(20);
      continue;
    }
    try {
      // Judge again under the takeover file: only a lock that is still stale goes.
      const now = readLock(path);
      if (!now || !pidAlive(now.pid)) rmSafe(path);
    } finally {
      rmSafe(takeover);
    }
  }
  throw new MiyabiError('CONTROLLER_START', `could not take the controller lock ${path}`, {
    hint: 'another controller is starting; try again',
  });
}

/** A short synchronous pause: lock contention happens only at start-up. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
