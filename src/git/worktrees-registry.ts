/**
 * Which worktrees are miyabi's: `<repo>/.miyabi/state/worktrees.json`.
 *
 * A file rather than refs (`refs/miyabi/owned/<name>`) because an entry needs more than a commit
 * (folder, branch, base, port), and because losing it is safe: a worktree missing from it is only
 * "unknown" — reported by doctor, never removed. Archives, which must survive everything, are refs.
 */
import { projectPaths } from '../core/paths.js';
import { trustState } from '../core/state-trust.js';
import { join } from 'node:path';
import { readState, updateState } from './state-file.js';

export interface WorktreeRecord {
  name: string;
  /** Absolute, real path of the worktree folder. */
  path: string;
  /** Short branch name; null for a detached worktree (restored from a detached archive). */
  branch: string | null;
  /** The base ref as given ('HEAD', 'main', a sha) and the commit it named at creation. */
  base: string;
  baseCommit: string;
  task?: string;
  port?: number;
  /** Files the setup hook copied from the main tree: not work to lose while they equal the main tree's. */
  copied?: string[];
  createdAt: string;
  source: 'create' | 'pool' | 'restore';
}

export interface PoolRecord {
  id: string;
  path: string;
  branch: string;
  base: string;
  baseCommit: string;
  createdAt: string;
}

export interface Registry {
  version: 1;
  worktrees: Record<string, WorktreeRecord>;
  pool: Record<string, PoolRecord>;
}

export const emptyRegistry = (): Registry => ({ version: 1, worktrees: {}, pool: {} });

/**
 * The git part's state folder. `.miyabi/` is checked (and made, with its owner token) first: a
 * worktree made from a library call or `miyabi worktree` before any `up` must not leave a
 * `.miyabi/` that miyabi itself would then refuse, nor read one a clone brought.
 */
export function stateDir(repo: string): string {
  trustState(repo, { create: true });
  return projectPaths(repo).state;
}

export function registryFile(repo: string): string {
  return join(stateDir(repo), 'worktrees.json');
}

export function readRegistry(repo: string): Registry {
  return readState(registryFile(repo), emptyRegistry);
}

export function updateRegistry<T>(repo: string, fn: (r: Registry) => T): Promise<T> {
  return updateState(registryFile(repo), emptyRegistry, fn);
}
