/**
 * Archives: before miyabi removes a worktree it writes a commit that keeps everything in it, and a
 * ref `refs/miyabi/archive/<name>/<UTC stamp>` to that commit, so nothing is beyond recovery.
 *
 * The archive commit, like `git stash` but with untracked files in the same tree:
 *
 *     A  tree: the working tree as it is — tracked changes, deletions and untracked files
 *     |         (ignored files are not kept: they are rebuilt by install hooks or copied again)
 *     |\  parents: [HEAD, I, ...MERGE_HEAD]
 *     | I  tree: the index (what was staged); parent HEAD. HEAD's tree when the index has conflicts.
 *     |/
 *     HEAD (the branch tip, with every commit of the branch behind it)
 *
 * A is built through a copy of the worktree's index (GIT_INDEX_FILE, so the real index and the
 * files are never touched): `git add -A` into the copy, `git write-tree`, `git commit-tree`. Its
 * message ends with a `miyabi-archive:` JSON line (name, folder, branch, base) so that a restore
 * needs nothing but the ref.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, isAbsolute } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { git, resolveCommit } from './client.js';
import { adminLock } from './worktrees-common.js';
import type { WorktreeInspection, WorktreeTarget } from './worktrees-inspect.js';

export const ARCHIVE_PREFIX = 'refs/miyabi/archive/';
const META = 'miyabi-archive: ';

export interface ArchiveMeta {
  version: 1;
  name: string;
  path: string;
  branch: string | null;
  base: string | null;
  baseCommit: string | null;
  head: string;
  /** The commit whose tree is the index as it was. */
  index: string;
  mergeHeads: string[];
  task: string | null;
  /** Files the setup hook had copied in (see WorktreeRecord.copied). */
  copied?: string[];
  archivedAt: string;
}

export interface ArchiveInfo {
  ref: string;
  commit: string;
  meta: ArchiveMeta;
}

export function archiveStamp(d = new Date()): string {
  return d.toISOString().replace(/[-:.]/g, ''); // 20250101T120000123Z: sorts by time, valid in a ref
}

async function buildTrees(path: string, head: string): Promise<{ worktreeTree: string; indexTree: string }> {
  const w = git(path);
  const gitIndex = (await w.run(['rev-parse', '--git-path', 'index'])).trim();
  const realIndex = isAbsolute(gitIndex) ? gitIndex : join(path, gitIndex);
  const indexTree = (await w.tryRun(['write-tree']))?.trim() || (await w.run(['rev-parse', `${head}^{tree}`])).trim();
  const tmp = mkdtempSync(join(tmpdir(), 'miyabi-archive-'));
  try {
    const tmpIndex = join(tmp, 'index');
    // A copy of the real index keeps its stat cache, so `add -A` rehashes only changed files.
    if (existsSync(realIndex)) copyFileSync(realIndex, tmpIndex);
    const t = git(path, { env: { GIT_INDEX_FILE: tmpIndex } });
    if (!existsSync(realIndex)) await t.run(['read-tree', head]);
    await t.run(['add', '-A', '--', '.']);
    const worktreeTree = (await t.run(['write-tree'])).trim();
    return { worktreeTree, indexTree };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes the archive commit and its ref. `info` is the inspection just made of the worktree. */
export async function archiveWorktree(
  repo: string,
  target: WorktreeTarget & { name: string; task?: string },
  info: WorktreeInspection,
): Promise<ArchiveInfo> {
  const main = git(repo, { miyabiIdentity: true });
  const head = info.head ?? (target.branch ? await resolveCommit(main, `refs/heads/${target.branch}`) : null);
  if (!head) throw new MiyabiError('IO', `cannot archive worktree "${target.name}": it has no HEAD commit`, { detail: { kind: 'GIT_FAILED' } });
  const trees = info.missing
    ? { worktreeTree: (await main.run(['rev-parse', `${head}^{tree}`])).trim(), indexTree: (await main.run(['rev-parse', `${head}^{tree}`])).trim() }
    : await buildTrees(target.path, head);
  const index = (await main.run(['commit-tree', trees.indexTree, '-p', head, '-m', `miyabi index of ${target.name}`])).trim();
  const meta: ArchiveMeta = {
    version: 1,
    name: target.name,
    path: target.path,
    branch: target.branch,
    base: target.base ?? null,
    baseCommit: target.baseCommit ?? null,
    head,
    index,
    mergeHeads: info.mergeHeads,
    task: target.task ?? null,
    ...(target.copied?.length ? { copied: target.copied } : {}),
    archivedAt: new Date().toISOString(),
  };
  const parents = [head, index, ...info.mergeHeads].flatMap((p) => ['-p', p]);
  const message = `miyabi archive of worktree ${target.name}${target.branch ? ` (${target.branch})` : ''}\n\n${META}${JSON.stringify(meta)}\n`;
  const commit = (await main.run(['commit-tree', trees.worktreeTree, ...parents, '-m', message])).trim();
  const zero = '0'.repeat(commit.length);
  const ref = await adminLock(repo, async () => {
    const stamp = archiveStamp();
    for (let n = 0; ; n++) {
      const candidate = `${ARCHIVE_PREFIX}${target.name}/${stamp}${n === 0 ? '' : `-${n}`}`;
      // The zero old-value makes update-ref create the ref only if it does not exist yet.
      if ((await main.tryRun(['update-ref', '-m', 'miyabi archive', candidate, commit, zero])) !== null) return candidate;
      if (n > 20) throw new MiyabiError('IO', `cannot write archive ref ${candidate}`, { detail: { kind: 'GIT_FAILED' } });
    }
  });
  return { ref, commit, meta };
}

function parseMeta(body: string): ArchiveMeta | null {
  const line = body.split('\n').find((l) => l.startsWith(META));
  if (!line) return null;
  try {
    return JSON.parse(line.slice(META.length)) as ArchiveMeta;
  } catch {
    return null;
  }
}

/** Archives, newest first; of one worktree name, or of all. */
export async function listArchives(repo: string, name?: string): Promise<ArchiveInfo[]> {
  const prefix = name ? `${ARCHIVE_PREFIX}${name}/` : ARCHIVE_PREFIX;
  const out = await git(repo).run(['for-each-ref', '--sort=-refname', '--format=%(refname)%00%(objectname)%00%(contents)%00%00', prefix]);
  const rows: ArchiveInfo[] = [];
  for (const rec of out.split('\0\0\n')) {
    const [ref, commit, body] = rec.split('\0');
    if (!ref || !commit || body === undefined) continue;
    const meta = parseMeta(body);
    if (meta) rows.push({ ref, commit, meta });
  }
  return rows.sort((a, b) => (a.meta.archivedAt < b.meta.archivedAt ? 1 : a.meta.archivedAt > b.meta.archivedAt ? -1 : 0));
}

export async function readArchive(repo: string, ref: string): Promise<ArchiveInfo> {
  const full = ref.startsWith('refs/') ? ref : `${ARCHIVE_PREFIX}${ref}`;
  const g = git(repo);
  const commit = await resolveCommit(g, full);
  const meta = commit ? parseMeta(await g.run(['log', '-1', '--format=%B', commit])) : null;
  if (!commit || !meta) {
    throw new MiyabiError('NOT_FOUND', `${full} is not a miyabi archive`, { hint: 'list archives with: git for-each-ref refs/miyabi/archive/' });
  }
  return { ref: full, commit, meta };
}
