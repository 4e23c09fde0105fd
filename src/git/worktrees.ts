/**
 * miyabi's git worktrees: one per agent, on its own branch, in a folder outside the main working
 * tree. Create, list, inspect, prune and find the ones miyabi does not own here; remove and clean
 * (which archive first) in worktrees-remove.ts; restore from an archive in worktrees-restore.ts.
 */
import { join } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { refExists, resolveCommit } from './client.js';
import { serialize } from './limit.js';
import { parseWorktreeList, type GitWorktreeEntry } from './parse/worktree-list.js';
import {
  addWorktree,
  adminLock,
  branchTemplate,
  discardNewWorktree,
  openRepo,
  prepareWorktree,
  settingsRoot,
  type Worktree,
  type WorktreeSettings,
} from './worktrees-common.js';
import { inspectTarget, type WorktreeInspection } from './worktrees-inspect.js';
import { checkBranchName, checkTargetDir, checkWorktreeName, realOrSame, realRoot, renderBranch } from './worktrees-paths.js';
import { readRegistry, updateRegistry, type WorktreeRecord } from './worktrees-registry.js';

export type { Worktree, WorktreeSettings } from './worktrees-common.js';
export { worktreeEnv } from './worktrees-common.js';
export type { WorktreeRecord } from './worktrees-registry.js';
export { describeLosses, hasLosses, type WorktreeInspection } from './worktrees-inspect.js';
export { listArchives, readArchive, type ArchiveInfo, type ArchiveMeta } from './worktrees-archive.js';
export { removeWorktree, cleanWorktrees, type RemovedWorktree, type CleanResult } from './worktrees-remove.js';
export { restoreWorktree, type RestoredWorktree } from './worktrees-restore.js';
export { defaultWorktreesRoot, DEFAULT_BRANCH_TEMPLATE } from './worktrees-paths.js';

export interface CreateWorktreeOptions extends WorktreeSettings {
  repo: string;
  name: string;
  /** Ref the branch starts from (default 'HEAD' of the main working tree). */
  base?: string;
  task?: string;
  /** Folder for this one worktree (default `<root>/<name>`). */
  dir?: string;
}

/** Checks a new worktree's name, base, branch and folder; throws the first problem. */
export async function planWorktree(o: CreateWorktreeOptions) {
  const name = checkWorktreeName(o.name);
  const { repo, main } = await openRepo(o.repo);
  const existing = readRegistry(repo).worktrees[name];
  if (existing) {
    throw new MiyabiError('USAGE', `"${name}" already has a worktree at ${existing.path} (branch ${existing.branch ?? 'detached'})`, {
      hint: `use it (miyabi spawn ${name} --reuse), or remove it first (miyabi kill ${name} --clean)`,
      detail: { kind: 'WORKTREE_EXISTS', name },
    });
  }
  const base = o.base ?? 'HEAD';
  const baseCommit = await resolveCommit(main, base);
  if (!baseCommit) {
    throw new MiyabiError('NOT_FOUND', `base ref ${JSON.stringify(base)} names no commit in ${repo}`, {
      hint: 'give a branch, tag or commit that exists (git branch -a)',
      detail: { kind: 'BAD_BASE', base },
    });
  }
  const branch = renderBranch(branchTemplate(o), name, o.task);
  await checkBranchName(main, branch);
  if (await refExists(main, `refs/heads/${branch}`)) {
    throw new MiyabiError('USAGE', `branch ${branch} already exists`, {
      hint: `delete or rename it (git branch -m ${branch} <new>), or give another task`,
      detail: { kind: 'BRANCH_EXISTS', branch },
    });
  }
  const path = checkTargetDir(repo, o.dir ?? join(realRoot(settingsRoot(repo, o)), name));
  return { repo, main, name, base, baseCommit, branch, path };
}

/**
 * Creates branch `miyabi/<agent>/<task>` at the base commit and a worktree for it, registers it as
 * miyabi's, gives it a port and runs the setup hooks (a failed hook undoes the whole creation).
 */
/** The registry record of a worktree made from a plan (new, or taken from the pool). */
export function recordFor(
  p: { name: string; path: string; branch: string; base: string; baseCommit: string },
  o: { task?: string },
  source: WorktreeRecord['source'],
): WorktreeRecord {
  return {
    name: p.name,
    path: realOrSame(p.path),
    branch: p.branch,
    base: p.base,
    baseCommit: p.baseCommit,
    ...(o.task !== undefined ? { task: o.task } : {}),
    createdAt: new Date().toISOString(),
    source,
  };
}

export function createWorktree(o: CreateWorktreeOptions): Promise<Worktree> {
  return serialize(`name:${realOrSame(o.repo)}:${o.name}`, async () => {
    const p = await planWorktree(o);
    await addWorktree(p.main, { path: p.path, commit: p.baseCommit, branch: { name: p.branch, create: true } });
    const record = recordFor(p, o, 'create');
    try {
      await updateRegistry(p.repo, (r) => {
        r.worktrees[p.name] = record;
      });
      return await prepareWorktree(p.repo, record, o);
    } catch (e) {
      await updateRegistry(p.repo, (r) => {
        delete r.worktrees[p.name];
      });
      await discardNewWorktree(p.main, p.path, p.branch);
      throw e;
    }
  });
}

export type WorktreeOwner = { kind: 'agent'; name: string } | { kind: 'pool'; id: string };

export interface WorktreeListEntry extends GitWorktreeEntry {
  /** The main working tree (first in git's list). */
  main: boolean;
  /** Who in miyabi owns it; null for a worktree miyabi did not make (or no longer knows). */
  owner: WorktreeOwner | null;
}

/** Every worktree git knows (`git worktree list --porcelain -z`), marked with its miyabi owner. */
export async function listWorktrees(repoIn: string): Promise<WorktreeListEntry[]> {
  const { repo, main } = await openRepo(repoIn);
  const z = await main.tryRun(['worktree', 'list', '--porcelain', '-z']); // -z: git 2.36+
  const entries = z !== null ? parseWorktreeList(z, '\0') : parseWorktreeList(await main.run(['worktree', 'list', '--porcelain']), '\n');
  const reg = readRegistry(repo);
  const owners = new Map<string, WorktreeOwner>();
  for (const w of Object.values(reg.worktrees)) owners.set(w.path, { kind: 'agent', name: w.name });
  for (const p of Object.values(reg.pool)) owners.set(p.path, { kind: 'pool', id: p.id });
  return entries.map((e, i) => ({ ...e, main: i === 0, owner: owners.get(e.path) ?? owners.get(realOrSame(e.path)) ?? null }));
}

/** Worktrees git lists that miyabi does not own: for `doctor` to report, never to remove. */
export async function unknownWorktrees(repo: string): Promise<WorktreeListEntry[]> {
  return (await listWorktrees(repo)).filter((w) => !w.main && !w.bare && w.owner === null);
}

/** miyabi's worktree records (agents only, not the pool). */
export async function ownedWorktrees(repoIn: string): Promise<WorktreeRecord[]> {
  const { repo } = await openRepo(repoIn);
  return Object.values(readRegistry(repo).worktrees);
}

/** What removing the worktree (by miyabi name, or any worktree by its folder) would lose. */
export async function inspectWorktree(repoIn: string, nameOrPath: string): Promise<WorktreeInspection> {
  const { repo } = await openRepo(repoIn);
  const rec = readRegistry(repo).worktrees[nameOrPath];
  if (rec) return inspectTarget(repo, rec);
  const entry = nameOrPath.includes('/') ? (await listWorktrees(repo)).find((w) => w.path === realOrSame(nameOrPath) || w.path === nameOrPath) : undefined;
  if (!entry || entry.main) {
    throw new MiyabiError('NOT_FOUND', `no worktree ${JSON.stringify(nameOrPath)}`, { hint: 'see miyabi worktree list', detail: { kind: 'NO_WORKTREE' } });
  }
  return inspectTarget(repo, { path: entry.path, branch: entry.branch });
}

export interface PruneResult {
  /** Worktrees whose folders were gone, which git has now forgotten (their branches stay). */
  pruned: Array<{ path: string; branch: string | null; owner: WorktreeOwner | null }>;
  /** miyabi records dropped because git no longer knows their worktree. */
  forgotten: string[];
}

/** `git worktree prune`, reporting what it removed, then drops miyabi records git no longer has. */
export async function pruneWorktrees(repoIn: string): Promise<PruneResult> {
  const { repo, main } = await openRepo(repoIn);
  const before = await listWorktrees(repo);
  await adminLock(repo, () => main.run(['worktree', 'prune']));
  const after = await listWorktrees(repo);
  const still = new Set(after.map((w) => w.path));
  const pruned = before.filter((w) => !still.has(w.path)).map((w) => ({ path: w.path, branch: w.branch, owner: w.owner }));
  const forgotten = await updateRegistry(repo, (r) => {
    const gone: string[] = [];
    for (const [k, w] of Object.entries(r.worktrees)) if (!still.has(w.path)) (delete r.worktrees[k], gone.push(k));
    for (const [k, p] of Object.entries(r.pool)) if (!still.has(p.path)) (delete r.pool[k], gone.push(`pool:${k}`));
    return gone;
  });
  return { pruned, forgotten };
}
