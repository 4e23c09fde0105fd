/**
 * `tmux -V` once per tmux binary (issue #17): on the controller's start-up path a process start
 * costs some 20 ms, most of it node's fork on the main thread, for an answer that changes only
 * when tmux does. Kept in miyabi's own state folder (never in a project's `.miyabi/`, which a
 * clone could bring), keyed by the binary's path, inode, size and mtime: a new tmux is asked again.
 * `miyabi doctor` asks tmux itself.
 */
import { mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { onPath } from '../core/find-program.js';
import { userStateDir } from '../core/state-trust.js';
import type { TmuxVersion } from './port.js';
import { parseTmuxVersion, readTmuxVersion } from './version.js';

function binaryKey(env: NodeJS.ProcessEnv): string | null {
  try {
    const found = onPath('tmux', env);
    if (found === null) return null;
    const bin = realpathSync(found);
    const st = statSync(bin);
    return `${bin}|${st.ino}|${st.size}|${st.mtimeMs}`;
  } catch {
    return null;
  }
}

export async function cachedTmuxVersion(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<TmuxVersion> {
  const key = binaryKey(env);
  const file = join(userStateDir(env), 'tmux-version.json');
  if (key !== null) {
    try {
      const c = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; raw?: unknown };
      if (c.key === key && typeof c.raw === 'string') return parseTmuxVersion(c.raw);
    } catch {
      // none yet, or unreadable: ask tmux
    }
  }
  const v = await readTmuxVersion(timeoutMs);
  if (key !== null) {
    try {
      mkdirSync(userStateDir(env), { recursive: true, mode: 0o700 });
      writeFileAtomic(file, JSON.stringify({ key, raw: v.raw }));
    } catch {
      // a read-only home only costs the next start a `tmux -V`
    }
  }
  return v;
}
