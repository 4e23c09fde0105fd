import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { MiyabiError } from '../core/errors.js';

export interface LockInfo {
  pid: number;
  startedAt: number;
  socket: string;
}

/**
 * EPERM means the process exists but is not ours to signal: alive (Nx start-lock.ts). A zombie
 * answers signal 0 too, and an init that reaps slowly (as in containers) keeps one for seconds
 * after the controller exited, so on Linux a process in state Z counts as gone.
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
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

export function readLock(path: string): LockInfo | null {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof j.pid !== 'number') return null;
    return { pid: j.pid, startedAt: j.startedAt ?? 0, socket: j.socket ?? '' };
  } catch {
    return null;
  }
}

/**
 * One controller per project. The lock file is created with O_EXCL; a lock whose pid is dead is
 * stale and taken over. Two takers race through rename(): only one rename of the stale file
 * succeeds, so only one of them goes on to create the new lock.
 */
export function acquireLock(path: string, socket: string): { release: () => void } {
  const info: LockInfo = { pid: process.pid, startedAt: Date.now(), socket };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(info));
      } finally {
        closeSync(fd);
      }
      return {
        release: () => {
          const now = readLock(path);
          if (now?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readLock(path);
    if (held && pidAlive(held.pid)) {
      throw new MiyabiError('CONTROLLER_RUNNING', `a controller is already running (pid ${held.pid}, socket ${held.socket})`, {
        hint: `use \`miyabi status\`; if no controller runs, remove ${path} and try again`,
        detail: { pid: held.pid },
      });
    }
    // Stale (dead pid, or a lock being written this instant): move it aside, then retry.
    if (!held) {
      // An empty lock may be a writer between open and write: give it a moment before judging.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      if (readLock(path)) continue;
    }
    try {
      renameSync(path, `${path}.stale-${process.pid}`);
      unlinkSync(`${path}.stale-${process.pid}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new MiyabiError('CONTROLLER_START', `could not take the controller lock ${path}`, {
    hint: 'another controller is starting; try again',
  });
}
