import { isMiyabiError } from '../../core/errors.js';
import type { WorktreePort } from '../../git/port.js';
import type { AgentDoorDeps } from './types.js';

/** A run's worktree: made for it, or (a retry, a resumed run) the one an earlier try made. */
export function runWorktrees(port: WorktreePort): AgentDoorDeps['worktree'] {
  return async (name, task) => {
    try {
      const w = await port.acquire({ name, task });
      return { path: w.path, branch: w.branch, reused: false };
    } catch (e) {
      // Made by an earlier try of this run, or before a controller restart: it is the run's own.
      if (isMiyabiError(e) && e.detail?.['kind'] === 'WORKTREE_EXISTS') {
        const rec = (await port.owned()).find((w) => w.name === name);
        if (rec) return { path: rec.path, branch: rec.branch, reused: true };
      }
      throw e;
    }
  };
}
