/**
 * Removing miyabi's worktrees. Refused, with the list of what would be lost, when a worktree has
 * uncommitted, untracked or unmerged work or an operation in progress — unless `force`. Every
 * removal, forced or not, first writes an archive (worktrees-archive.ts), so `restoreWorktree`
 * can bring any removed worktree back whole.
 */
import { MiyabiError, isMiyabiError } from '../core/errors.js';
import { runTeardownHooks, type CommandResult } from './hooks.js';
import { mapLimit, serialize } from './limit.js';
import { releasePort } from './ports.js';
import { archiveWorktree, type ArchiveInfo } from './worktrees-archive.js';
import { deleteBranch, deleteWorktreeFolder, openRepo, worktreeEnv, type WorktreeSettings } from './worktrees-common.js';
import { describeLosses, hasLosses, inspectTarget, type WorktreeInspection } from './worktrees-inspect.js';
import { realOrSame } from './worktrees-paths.js';
import { readRegistry, updateRegistry } from './worktrees-registry.js';

export interface RemoveOptions extends Pick<WorktreeSettings, 'hooks' | 'runner'> {
  /** Remove even with work in it (it is archived first either way). */
  force?: boolean;
  /** Keep the branch (default: delete it; its commits stay in the archive). */
  keepBranch?: boolean;
}

export interface RemovedWorktree {
  name: string;
  path: string;
  branch: string | null;
  archive: ArchiveInfo;
  /** What was in it when it was removed (all of it kept in the archive). */
  inspection: WorktreeInspection;
  branchDeleted: boolean;
  port: number | null;
  /** The teardown hook's result; a failed teardown does not stop the removal. */
  teardown: CommandResult | null;
  teardownError: string | null;
}

function refusal(name: string, path: string, i: WorktreeInspection): MiyabiError {
  const lines = describeLosses(i);
  return new MiyabiError('USAGE', `worktree "${name}" (${path}) has work that removing it would lose:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
    hint: `commit or merge it first, or pass --force: miyabi keeps it under refs/miyabi/archive/${name}/ and "miyabi worktree restore ${name}" brings it back`,
    detail: { kind: 'WORKTREE_DIRTY', name, path, losses: lines, inspection: i },
  });
}

export function removeWorktree(repoIn: string, name: string, o: RemoveOptions = {}): Promise<RemovedWorktree> {
  return serialize(`name:${realOrSame(repoIn)}:${name}`, async () => {
    const { repo, main } = await openRepo(repoIn);
    const rec = readRegistry(repo).worktrees[name];
    if (!rec) {
      throw new MiyabiError('NOT_FOUND', `miyabi has no worktree named "${name}"`, {
        hint: 'see miyabi worktree list (worktrees miyabi did not make are never removed by it)',
        detail: { kind: 'NO_WORKTREE', name },
      });
    }
    const inspection = await inspectTarget(repo, rec);
    if (hasLosses(inspection) && !o.force) throw refusal(name, rec.path, inspection);
    if (inspection.unarchivable.length > 0) {
      // --force removes only what the archive keeps; these it cannot.
      throw new MiyabiError('USAGE', `worktree "${name}" (${rec.path}) holds what no archive can keep, even with --force:\n${inspection.unarchivable.map((l) => `  - ${l}`).join('\n')}`, {
        hint: 'move or delete those yourself first (an ignored build folder such as node_modules or target does not count)',
        detail: { kind: 'WORKTREE_UNARCHIVABLE', name, path: rec.path, losses: describeLosses(inspection), inspection },
      });
    }

    // The archive is written before anything can change or delete a file — the teardown hook
    // included (a `docker compose down -v` or a clean script); if it fails, nothing is removed.
    const archive = await archiveWorktree(repo, { ...rec, ...(rec.task !== undefined ? { task: rec.task } : {}) }, inspection);
    let teardown: CommandResult | null = null;
    let teardownError: string | null = null;
    if (o.hooks?.teardown && !inspection.missing) {
      try {
        teardown = await runTeardownHooks({ worktree: rec.path, hooks: o.hooks, env: worktreeEnv(rec), ...(o.runner ? { runner: o.runner } : {}) });
      } catch (e) {
        teardownError = (e as Error).message;
      }
    }
    await deleteWorktreeFolder(main, rec.path);
    // Only the tip that was archived: a branch moved meanwhile (by another worktree) stays.
    const branchDeleted = rec.branch && !o.keepBranch ? await deleteBranch(main, rec.branch, [inspection.head, archive.meta.head]) : false;
    await updateRegistry(repo, (r) => {
      delete r.worktrees[name];
    });
    const port = await releasePort(repo, name);
    return { name, path: rec.path, branch: rec.branch, archive, inspection, branchDeleted, port, teardown, teardownError };
  });
}

export interface CleanOptions extends RemoveOptions {
  /** Only these (e.g. the idle agents); default every miyabi worktree. */
  names?: string[];
  /** Removals in flight at once (default 4). */
  concurrency?: number;
}

export interface CleanResult {
  removed: RemovedWorktree[];
  /** Kept because they hold work (see each error's detail.losses); only without force. */
  refused: Array<{ name: string; losses: string[]; error: MiyabiError }>;
  failed: Array<{ name: string; error: Error }>;
}

/** Removes many worktrees in parallel under the same refusal and archive rules; never throws per worktree. */
export async function cleanWorktrees(repoIn: string, o: CleanOptions = {}): Promise<CleanResult> {
  const { repo } = await openRepo(repoIn);
  const names = o.names ?? Object.keys(readRegistry(repo).worktrees);
  const out: CleanResult = { removed: [], refused: [], failed: [] };
  await mapLimit(names, o.concurrency ?? 4, async (name) => {
    try {
      out.removed.push(await removeWorktree(repo, name, o));
    } catch (e) {
      if (isMiyabiError(e) && (e.detail?.kind === 'WORKTREE_DIRTY' || e.detail?.kind === 'WORKTREE_UNARCHIVABLE')) out.refused.push({ name, losses: (e.detail.losses as string[]) ?? [], error: e });
      else out.failed.push({ name, error: e as Error });
    }
  });
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  out.removed.sort(byName);
  out.refused.sort(byName);
  out.failed.sort(byName);
  return out;
}
