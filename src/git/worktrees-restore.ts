/**
 * Brings a removed worktree back from its archive (worktrees-archive.ts): the branch at the same
 * commit, the files as they were (modified, deleted, untracked), and the index as it was (staged
 * stays staged). A merge that was in progress is not re-entered: its other side's commits are in
 * the archive (`mergeHeads`) and the files keep their conflict markers.
 */
import { join } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { git, resolveCommit } from './client.js';
import { serialize } from './limit.js';
import { listArchives, readArchive, type ArchiveInfo } from './worktrees-archive.js';
import { addWorktree, discardNewWorktree, openRepo, prepareWorktree, settingsRoot, type Worktree, type WorktreeSettings } from './worktrees-common.js';
import { checkTargetDir, checkWorktreeName, realOrSame, realRoot } from './worktrees-paths.js';
import { readRegistry, updateRegistry, type WorktreeRecord } from './worktrees-registry.js';

export interface RestoreOptions extends WorktreeSettings {
  /** The archive ref (default: the newest archive of `name`). */
  ref?: string;
  /** Another folder (default: where it was). */
  dir?: string;
}

export interface RestoredWorktree extends Worktree {
  archive: ArchiveInfo;
  /** Commits a merge in progress was bringing in, when it was archived. */
  mergeHeads: string[];
}

export function restoreWorktree(repoIn: string, nameIn: string, o: RestoreOptions = {}): Promise<RestoredWorktree> {
  const name = checkWorktreeName(nameIn);
  return serialize(`name:${realOrSame(repoIn)}:${name}`, async () => {
    const { repo, main } = await openRepo(repoIn);
    const current = readRegistry(repo).worktrees[name];
    if (current) {
      throw new MiyabiError('USAGE', `"${name}" already has a worktree at ${current.path}`, {
        hint: `remove it first (miyabi kill ${name} --clean), or restore under another name`,
        detail: { kind: 'WORKTREE_EXISTS', name },
      });
    }
    const archive = o.ref ? await readArchive(repo, o.ref) : (await listArchives(repo, name))[0];
    if (!archive) {
      throw new MiyabiError('NOT_FOUND', `no archive of worktree "${name}"`, { hint: 'list them: git for-each-ref refs/miyabi/archive/', detail: { kind: 'NO_ARCHIVE', name } });
    }
    const m = archive.meta;
    const path = checkTargetDir(repo, o.dir ?? (m.path || join(realRoot(settingsRoot(repo, o)), name)));
    let branch = m.branch;
    let createBranch = true;
    if (branch) {
      const tip = await resolveCommit(main, `refs/heads/${branch}`);
      if (tip && tip !== m.head) {
        throw new MiyabiError('USAGE', `branch ${branch} exists and has moved since the archive (now ${tip.slice(0, 7)}, archived ${m.head.slice(0, 7)})`, {
          hint: `rename it (git branch -m ${branch} <new>) and restore again`,
          detail: { kind: 'BRANCH_EXISTS', branch },
        });
      }
      createBranch = tip === null;
    }
    await addWorktree(main, { path, commit: m.head, ...(branch ? { branch: { name: branch, create: createBranch } } : {}), checkout: false });
    try {
      const w = git(path);
      // Files := the archived working tree (into the empty folder); then index := as staged.
      await w.run(['read-tree', '--reset', '-u', archive.commit]);
      await w.run(['read-tree', '--reset', `${m.index}^{tree}`]);
      const record: WorktreeRecord = {
        name,
        path: realOrSame(path),
        branch,
        base: m.base ?? 'HEAD',
        baseCommit: m.baseCommit ?? m.head,
        ...(m.task ? { task: m.task } : {}),
        ...(m.copied?.length ? { copied: m.copied } : {}),
        createdAt: new Date().toISOString(),
        source: 'restore',
      };
      await updateRegistry(repo, (r) => {
        r.worktrees[name] = record;
      });
      try {
        const wt = await prepareWorktree(repo, record, o);
        return { ...wt, archive, mergeHeads: m.mergeHeads };
      } catch (e) {
        await updateRegistry(repo, (r) => {
          delete r.worktrees[name];
        });
        throw e;
      }
    } catch (e) {
      // Nothing of the archive is lost by undoing: it is still there, under its ref.
      await discardNewWorktree(main, path, createBranch ? branch : null);
      throw e;
    }
  });
}
