import type { WorktreesConfig } from '../config/layout-types.js';
import type { WorktreePort } from '../git/port.js';
import type { WorktreeSettings } from '../git/worktrees.js';

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

/**
 * The git worktrees of the project, made with the layout's settings: what agents/ is handed. The
 * git module (simple-git, execa) loads on the first call, so `up` with no worktree agent never
 * loads it (issue #17: it is `up`'s own path now).
 */
export function layoutWorktrees(root: string, c: WorktreesConfig | undefined): WorktreePort {
  let port: Promise<WorktreePort> | undefined;
  const get = () => (port ??= import('../git/worktree-port.js').then((m) => m.worktreePort(root, worktreeSettings(c))));
  return {
    acquire: async (o) => (await get()).acquire(o),
    owned: async () => (await get()).owned(),
    remove: async (name, o) => (await get()).remove(name, o),
  };
}
