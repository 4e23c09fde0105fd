import type { SessionLayout, PaneLayout } from '../config/layout-types.js';
import { MiyabiError } from '../core/errors.js';
import { isGitRoot } from '../core/paths.js';
import type { WorktreePort } from '../git/port.js';

/**
 * Gives each layout agent with `worktree: true` its git worktree before the session is built: the
 * one it already has (kept from an earlier `up`: worktrees outlive sessions, so no work is lost),
 * else a new one (from the pool when there is one). The pane starts in it, with its variables.
 */
export async function withWorktrees(layout: SessionLayout, root: string, worktrees: WorktreePort): Promise<SessionLayout> {
  const wanted = layout.windows.flatMap((w) => w.panes).filter((p) => p.worktree !== undefined);
  if (wanted.length === 0) return layout;
  if (!isGitRoot(root)) {
    throw new MiyabiError('CONFIG', `agents ${wanted.map((p) => p.name).join(', ')} ask for a worktree, but ${root} is not a git repository`, {
      hint: 'run miyabi in a git repository, or drop `worktree: true` from the layout',
    });
  }
  const owned = new Map((await worktrees.owned()).map((w) => [w.name, w]));
  const placed = new Map<string, PaneLayout>();
  for (const p of wanted) {
    const have = owned.get(p.name);
    const w = have ?? (await worktrees.acquire({ name: p.name, ...(p.worktree?.base ? { base: p.worktree.base } : {}), ...(p.worktree?.branch ? { branchTemplate: p.worktree.branch } : {}) }));
    placed.set(p.name, { ...p, cwd: w.path, env: { ...p.env, ...w.env } });
  }
  return { ...layout, windows: layout.windows.map((w) => ({ ...w, panes: w.panes.map((p) => placed.get(p.name) ?? p) })) };
}
