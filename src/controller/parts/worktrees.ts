import { runWorktrees } from '../../agents/door/run-worktree.js';
import type { AgentDoorDeps } from '../../agents/door/types.js';
import type { WorktreesConfig } from '../../config/layout-types.js';
import type { WorktreePort } from '../../git/port.js';
import { worktreePort } from '../../git/worktree-port.js';
import type { WorktreeSettings } from '../../git/worktrees.js';

/** The layout's `worktrees:` block as the git module takes it. */
export function worktreeSettings(c: WorktreesConfig | undefined): WorktreeSettings {
  if (!c) return {};
  const hooks = {
    ...(c.copy ? { copy: c.copy } : {}),
    ...(c.setup ? { install: { argv: c.setup } } : {}),
    ...(c.teardown ? { teardown: { argv: c.teardown } } : {}),
  };
  return {
    ...(c.root ? { root: c.root } : {}),
    ...(Object.keys(hooks).length ? { hooks } : {}),
    ...(c.ports ? { ports: c.ports } : {}),
  };
}

/** The git worktrees of the project, made with the layout's settings: what agents/ is handed. */
export function layoutWorktrees(root: string, c: WorktreesConfig | undefined): WorktreePort {
  return worktreePort(root, worktreeSettings(c));
}

/** The agent door's worktrees over src/git: one per run, from the pool when it has one. */
export function gitWorktrees(repo: string, settings: WorktreeSettings): AgentDoorDeps['worktree'] {
  return runWorktrees(worktreePort(repo, settings));
}
