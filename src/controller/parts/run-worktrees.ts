import type { AgentDoorDeps } from '../../agents/door/types.js';
import { isMiyabiError } from '../../core/errors.js';
import { acquireWorktree } from '../../git/pool.js';
import { ownedWorktrees, type WorktreeSettings } from '../../git/worktrees.js';

/** The agent door's worktrees, over src/git: one per run, from the pool when it has one. */
export function gitWorktrees(repo: string, settings: WorktreeSettings): AgentDoorDeps['worktree'] {
  return async (name, task) => {
    try {
      const w = await acquireWorktree({ repo, name, task, ...settings });
      return { path: w.path, branch: w.branch, reused: false };
    } catch (e) {
      // Made by an earlier try of this run, or before a controller restart: it is the run's own.
      if (isMiyabiError(e) && e.detail?.['kind'] === 'WORKTREE_EXISTS') {
        const rec = (await ownedWorktrees(repo)).find((w) => w.name === name);
        if (rec) return { path: rec.path, branch: rec.branch, reused: true };
      }
      throw e;
    }
  };
}
