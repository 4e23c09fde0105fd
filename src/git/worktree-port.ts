import { acquireWorktree } from './pool.js';
import type { WorktreePort } from './port.js';
import { ownedWorktrees, removeWorktree, worktreeEnv, type WorktreeSettings } from './worktrees.js';

/** The WorktreePort over this module, for the repository `repo` with the layout's settings. */
export function worktreePort(repo: string, settings: WorktreeSettings): WorktreePort {
  return {
    acquire: async (o) => {
      const w = await acquireWorktree({ repo, ...settings, name: o.name, ...(o.base ? { base: o.base } : {}), ...(o.branchTemplate ? { branchTemplate: o.branchTemplate } : {}), ...(o.task ? { task: o.task } : {}) });
      return { name: w.name, path: w.path, branch: w.branch, env: w.env };
    },
    owned: async () => (await ownedWorktrees(repo)).map((r) => ({ name: r.name, path: r.path, branch: r.branch, env: worktreeEnv(r) })),
    remove: async (name, o = {}) => {
      const r = await removeWorktree(repo, name, { ...(settings.hooks ? { hooks: settings.hooks } : {}), ...(o.force ? { force: true } : {}) });
      return { archive: r.archive.ref };
    },
  };
}
