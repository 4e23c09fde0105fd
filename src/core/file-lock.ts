/**
 * The one lock primitive: a file created with O_EXCL semantics (link() of a written temp file)
 * holding its owner's pid and start time. A lock whose owner is gone (dead, a zombie, or its pid
 * reused by another process) is taken over; the takeover itself is serialised by a second
 * exclusive file, or two takers that both judged the old lock stale could each remove what the
 * other had just created.
 */
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { processStartTime, sameProcessAlive } from './pid.js';

/** Creates `path` holding `text`, atomically: link() of a written temp file never shows it half-written. */
export function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSafe(tmp);
  }
}

export function rmSafe(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

export function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export interface LockOwner {
  pid: number;
  /** processStartTime of the owner when it took the lock; absent in locks of older versions. */
  start?: string;
}

let ownStart: string | undefined;
/** Who we are, as a lock records it. */
export function selfOwner(): LockOwner {
  ownStart ??= processStartTime(process.pid) ?? undefined;
  return { pid: process.pid, ...(ownStart ? { start: ownStart } : {}) };
}

/** The owner a lock file names: JSON with `pid` (and `start`), or plain `<pid>[ <start>]`. */
export function lockOwner(text: string): LockOwner | null {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as { pid?: unknown; start?: unknown };
      if (typeof j.pid !== 'number') return null;
      return { pid: j.pid, ...(typeof j.start === 'string' ? { start: j.start } : {}) };
    } catch {
      return null;
    }
  }
  const [pid, start] = t.split(/\s+/);
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 ? { pid: n, ...(start ? { start } : {}) } : null;
}

function ownerAlive(text: string): boolean {
  const o = lockOwner(text);
  return o !== null && sameProcessAlive(o.pid, o.start);
}

/**
 * One attempt to take the lock at `path`, writing `text` into it (it must name our pid, see
 * lockOwner). A stale lock is taken over. False when a live process holds it.
 */
export function tryLock(path: string, text: string): boolean {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusive(path, text)) return true;
    const held = readFileSafe(path);
    if (held === '') continue; // released between our two looks
    if (ownerAlive(held)) return false;
    const takeover = `${path}.takeover`;
    if (!createExclusive(takeover, ownText())) {
      // Someone else is taking over; a takeover file left by a dead taker is removed.
      if (!ownerAlive(readFileSafe(takeover))) rmSafe(takeover);
      continue;
    }
    try {
      // Judge again under the takeover file: only a lock that is still stale goes.
      const now = readFileSafe(path);
      if (now !== '' && !ownerAlive(now)) rmSafe(path);
    } finally {
      rmSafe(takeover);
    }
  }
  return false;
}

/** Removes the lock at `path` if it still holds `text` (ours). */
export function unlock(path: string, text: string): void {
  if (readFileSafe(path) === text) rmSafe(path);
}

function ownText(): string {
  const o = selfOwner();
  return `${o.pid}${o.start ? ` ${o.start}` : ''}\n`;
}

/**
 * Waits for the lock at `path` until `deadline` (polling with a growing pause, at most 50 ms).
 * Resolves with its release, or null at the deadline.
 */
export async function lockFile(path: string, deadline = Number.POSITIVE_INFINITY): Promise<(() => void) | null> {
  const text = ownText();
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    if (tryLock(path, text)) return () => unlock(path, text);
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, wait));
  }
}
