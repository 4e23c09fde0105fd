import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { pidAlive } from './pid.js';
import { WRITE_NOFOLLOW } from './no-follow.js';

/** Creates `path` holding `text`, atomically: link() of a written temp file never shows it half-written. */
export function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, WRITE_NOFOLLOW, 0o600);
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

/**
 * A lock file holding our pid, waited for until `deadline`; one left by a dead process is
 * removed. Resolves with its release, or null at the deadline.
 */
export async function lockFile(path: string, deadline = Number.POSITIVE_INFINITY): Promise<(() => void) | null> {
  for (;;) {
    if (createExclusive(path, String(process.pid))) {
      return () => {
        if (Number(readFileSafe(path)) === process.pid) rmSafe(path);
      };
    }
    const owner = Number(readFileSafe(path));
    if (owner > 0 && !pidAlive(owner)) {
      rmSafe(path);
      continue;
    }
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
}
