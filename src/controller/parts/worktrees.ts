import { runWorktrees } from '../../agents/door/run-worktree.js';
import type { AgentDoorDeps } from '../../agents/door/types.js';
import { worktreePort } from '../../git/worktree-port.js';
import type { WorktreeSettings } from '../../git/worktrees.js';

/** The agent door's worktrees over src/git: one per run, from the pool when it has one. */
export function gitWorktrees(repo: string, settings: WorktreeSettings): AgentDoorDeps['worktree'] {
  return runWorktrees(worktreePort(repo, settings));
}
