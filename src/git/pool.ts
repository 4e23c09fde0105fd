/**
 * A pool of worktrees made ahead of time, so that `spawn` does not wait for a checkout (or an
 * install hook). Each waits in `<root>/.pool/<id>` on a placeholder branch `miyabi-pool/<id>` at
 * its base commit. Taking one renames that branch to the agent's (`git branch -m`), moves the
 * folder to `<root>/<name>` (`git worktree move`) and, when the base has moved since the pool was
 * filled, resets the still-untouched tree to it. Refill after taking (`fillPool`) off the hot path.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { git, resolveCommit } from './client.js';
import { mapLimit, serialize } from './limit.js';
import { runSetupHooks } from './hooks.js';
import { addWorktree, adminLock, discardNewWorktree, openRepo, prepareWorktree, settingsRoot, type Worktree, type WorktreeSettings } from './worktrees-common.js';
import { realOrSame, realRoot } from './worktrees-paths.js';
import { readRegistry, updateRegistry, type PoolRecord, type WorktreeRecord } from './worktrees-registry.js';
import { createWorktree, planWorktree, recordFor, type CreateWorktreeOptions } from './worktrees.js';
import { MiyabiError } from '../core/errors.js';

export const POOL_BRANCH_PREFIX = 'miyabi-pool/';

export interface FillPoolOptions extends WorktreeSettings {
  repo: string;
  size: number;
  /** Default 'HEAD' of the main working tree. */
  base?: string;
  /** Worktrees made at once (default 2). */
  concurrency?: number;
}

export function poolEntries(repo: string): PoolRecord[] {
  return Object.values(readRegistry(realOrSame(repo)).pool);
}

/** Tops the pool up to `size` worktrees (runs the copy and install hooks in each). Returns the new ids. */
export async function fillPool(o: FillPoolOptions): Promise<string[]> {
  if (!Number.isInteger(o.size) || o.size < 0) throw new MiyabiError('CONFIG', `pool size must be a whole number ≥ 0, got ${o.size}`);
  const { repo, main } = await openRepo(o.repo);
  const base = o.base ?? 'HEAD';
  const baseCommit = await resolveCommit(main, base);
  if (!baseCommit) throw new MiyabiError('NOT_FOUND', `base ref ${JSON.stringify(base)} names no commit in ${repo}`, { detail: { kind: 'BAD_BASE', base } });
  const missing = Math.max(0, o.size - poolEntries(repo).length);
  const dir = join(realRoot(settingsRoot(repo, o)), '.pool');
  realRoot(dir);
  return mapLimit(Array.from({ length: missing }), o.concurrency ?? 2, async () => {
    const id = `p${randomBytes(4).toString('hex')}`;
    const path = join(dir, id);
    const branch = `${POOL_BRANCH_PREFIX}${id}`;
    await addWorktree(main, { path, commit: baseCommit, branch: { name: branch, create: true } });
    try {
      if (o.hooks) await runSetupHooks({ repo, worktree: path, hooks: o.hooks, env: { MIYABI_WORKTREE: path }, ...(o.runner ? { runner: o.runner } : {}) });
      const rec: PoolRecord = { id, path: realOrSame(path), branch, base, baseCommit, createdAt: new Date().toISOString() };
      await updateRegistry(repo, (r) => {
        r.pool[id] = rec;
      });
    } catch (e) {
      await discardNewWorktree(main, path, branch);
      throw e;
    }
    return id;
  });
}

/**
 * A pool worktree made into `name`'s, like createWorktree would make it; null when the pool is
 * empty (the caller then creates one: see acquireWorktree).
 */
export function takeFromPool(o: CreateWorktreeOptions): Promise<Worktree | null> {
  return serialize(`name:${realOrSame(o.repo)}:${o.name}`, async () => {
    const p = await planWorktree(o);
    const entry = await updateRegistry(p.repo, (r) => {
      const all = Object.values(r.pool);
      const pick = all.find((e) => e.baseCommit === p.baseCommit) ?? all[0];
      if (pick) delete r.pool[pick.id];
      return pick ?? null;
    });
    if (!entry) return null;
    let where = entry.path;
    let branch = entry.branch;
    try {
      const w = git(entry.path);
      // branch -m rewrites .git/config (branch.<name>.*) and reads every worktree's HEAD.
      await adminLock(p.repo, () => w.run(['branch', '-m', entry.branch, p.branch]));
      branch = p.branch;
      if (entry.baseCommit !== p.baseCommit) await w.run(['reset', '--hard', '--quiet', p.baseCommit]);
      await adminLock(p.repo, () => p.main.run(['worktree', 'move', entry.path, p.path]));
      where = p.path;
      const record = recordFor(p, o, 'pool');
      await updateRegistry(p.repo, (r) => {
        r.worktrees[p.name] = record;
      });
      try {
        // The install hook ran when the pool was filled; files are copied again (they may have changed).
        const copyOnly = o.hooks?.copy ? { ...o, hooks: { copy: o.hooks.copy } } : { ...o, hooks: undefined };
        return await prepareWorktree(p.repo, record, copyOnly);
      } catch (e) {
        await updateRegistry(p.repo, (r) => {
          delete r.worktrees[p.name];
        });
        throw e;
      }
    } catch (e) {
      await discardNewWorktree(p.main, where, branch);
      throw e;
    }
  });
}

/** From the pool when it has one, else created from scratch. */
export async function acquireWorktree(o: CreateWorktreeOptions): Promise<Worktree & { fromPool: boolean }> {
  const taken = await takeFromPool(o);
  if (taken) return { ...taken, fromPool: true };
  return { ...(await createWorktree(o)), fromPool: false };
}

/** Removes every pool worktree and its placeholder branch (they hold no one's work). */
export async function drainPool(repoIn: string): Promise<string[]> {
  const { repo, main } = await openRepo(repoIn);
  const entries = await updateRegistry(repo, (r) => {
    const all = Object.values(r.pool);
    r.pool = {};
    return all;
  });
  await mapLimit(entries, 4, (e) => discardNewWorktree(main, e.path, e.branch));
  return entries.map((e) => e.id);
}
