/**
 * What domain parts may do with git, as interfaces (they import this file for types only; the
 * controller hands them the adapter, worktree-port.ts).
 */

/** A worktree miyabi made for an agent or a run. */
export interface AgentWorktree {
  name: string;
  /** Absolute, real path of its folder. */
  path: string;
  /** Short branch name; null for a detached worktree. */
  branch: string | null;
  /** Variables a pane working in it gets (MIYABI_WORKTREE, its port, …). */
  env: Record<string, string>;
}

/** The worktrees of one repository, made with the layout's `worktrees:` settings. */
export interface WorktreePort {
  /** A new worktree named `name` (taken from the pool when it has one). */
  acquire(o: { name: string; base?: string; branchTemplate?: string; task?: string }): Promise<AgentWorktree>;
  /** The worktrees miyabi made here and still knows. */
  owned(): Promise<AgentWorktree[]>;
  /** Removes one, archived first; refused when it holds work, unless `force`. Resolves with its archive ref. */
  remove(name: string, o?: { force?: boolean }): Promise<{ archive: string }>;
}
