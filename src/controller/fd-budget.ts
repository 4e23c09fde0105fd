import { readFileSync } from 'node:fs';

/**
 * How many IPC connections the controller may hold: the soft limit on open files less what tmux,
 * the journal, the bus watchers and pane logs need. Past the limit libuv accepts and at once
 * closes every newcomer (its EMFILE trick), the CLI included, so the server's own cap, which makes
 * room by dropping idle connections, must bite first (issue #11, item 3).
 */
export function ipcConnectionBudget(limitsFile = '/proc/self/limits'): number {
  let soft = 1024;
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(limitsFile, 'utf8'));
    if (m?.[1]) soft = m[1] === 'unlimited' ? 65_536 : Number(m[1]);
  } catch {
    // not Linux: assume the common default
  }
  return Math.max(32, Math.min(4096, soft - 256));
}
