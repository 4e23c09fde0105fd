/** What removing a worktree would lose: changes, untracked files, commits, an operation in progress. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, resolveCommit, type GitRunner } from './client.js';
import { parseStatus } from './parse/status.js';

export interface WorktreeTarget {
  name?: string;
  path: string;
  branch: string | null;
  /** The base as given and the commit it named at creation: commits reachable from either are not lost. */
  base?: string;
  baseCommit?: string;
  /** Paths copied in from the main tree by the setup hook. */
  copied?: string[];
}

export interface LostCommit {
  sha: string;
  subject: string;
}

export interface WorktreeInspection {
  name?: string;
  path: string;
  branch: string | null;
  /** The worktree's HEAD commit (the branch tip when its folder is gone). */
  head: string | null;
  /** The folder is gone: its uncommitted work is already lost; only commits can still be kept. */
  missing: boolean;
  staged: string[];
  unstaged: string[];
  untracked: string[];
  conflicted: string[];
  /** Commits of HEAD (and of the branch) that are in no base, other branch, remote branch or tag. */
  commits: LostCommit[];
  /** A git operation stopped half-way: 'merge', 'rebase', 'cherry-pick', 'revert', 'bisect'. */
  operation: string | null;
  /** MERGE_HEAD's commits when a merge is in progress (kept as extra parents of the archive). */
  mergeHeads: string[];
  /**
   * What an archive cannot keep, so removal is refused even with --force: ignored files outside
   * the folders a build recreates (`.env.local`, secrets), and git repositories inside the
   * worktree (an agent's `cargo new` or `git clone`: the archive would hold only a pointer).
   */
  unarchivable: string[];
}

/** Ignored folders a build or install recreates: losing them loses nothing. */
const REBUILDABLE = /^(node_modules|target|dist|build|out|coverage|\.venv|venv|__pycache__|\.next|\.nuxt|\.turbo|\.cache|\.gradle|\.pytest_cache|\.mypy_cache)\//;

const MAX_COMMITS = 200;

async function operationOf(g: GitRunner): Promise<{ operation: string | null; mergeHeads: string[] }> {
  const gitDir = (await g.run(['rev-parse', '--absolute-git-dir'])).trim();
  const has = (f: string) => existsSync(join(gitDir, f));
  if (has('MERGE_HEAD')) {
    const heads = readFileSync(join(gitDir, 'MERGE_HEAD'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    return { operation: 'merge', mergeHeads: heads };
  }
  if (has('rebase-merge') || has('rebase-apply')) return { operation: 'rebase', mergeHeads: [] };
  if (has('CHERRY_PICK_HEAD')) return { operation: 'cherry-pick', mergeHeads: [] };
  if (has('REVERT_HEAD')) return { operation: 'revert', mergeHeads: [] };
  if (has('BISECT_LOG')) return { operation: 'bisect', mergeHeads: [] };
  return { operation: null, mergeHeads: [] };
}

/** A file the setup hook copied in, still byte for byte the main tree's: nothing to lose. */
function copiedUnchanged(repo: string, t: WorktreeTarget, file: string): boolean {
  if (!t.copied?.some((c) => file === c || file.startsWith(`${c}/`))) return false;
  try {
    return readFileSync(join(t.path, file)).equals(readFileSync(join(repo, file)));
  } catch {
    return false;
  }
}

/** Commits reachable from `tips` and from nothing that stays after removal. */
export async function unkeptCommits(main: GitRunner, tips: string[], t: WorktreeTarget): Promise<LostCommit[]> {
  if (tips.length === 0) return [];
  const keep: string[] = [];
  if (t.baseCommit) keep.push(t.baseCommit);
  if (t.base) {
    const now = await resolveCommit(main, t.base);
    if (now) keep.push(now);
  }
  const args = ['log', `--max-count=${MAX_COMMITS}`, '--format=%H%x1f%s', ...tips, '--not', ...keep];
  // Newer gits match --exclude before --branches against the short name, older ones the full one.
  if (t.branch) args.push(`--exclude=${t.branch}`, `--exclude=refs/heads/${t.branch}`);
  args.push('--branches', '--remotes', '--tags', '--');
  const out = await main.run(args);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [sha = '', subject = ''] = l.split('\x1f');
      return { sha, subject };
    });
}

export async function inspectTarget(repo: string, t: WorktreeTarget): Promise<WorktreeInspection> {
  const main = git(repo);
  const branchTip = t.branch ? await resolveCommit(main, `refs/heads/${t.branch}`) : null;
  const base: WorktreeInspection = {
    ...(t.name ? { name: t.name } : {}),
    path: t.path,
    branch: t.branch,
    head: branchTip,
    missing: !existsSync(t.path),
    staged: [],
    unstaged: [],
    untracked: [],
    conflicted: [],
    commits: [],
    operation: null,
    mergeHeads: [],
    unarchivable: [],
  };
  if (!base.missing) {
    const w = git(t.path);
    const [status, head, op] = await Promise.all([
      w.run(['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all']),
      resolveCommit(w, 'HEAD'),
      operationOf(w),
    ]);
    Object.assign(base, parseStatus(status), { head }, op);
    if (t.copied?.length) base.untracked = base.untracked.filter((f) => !copiedUnchanged(repo, t, f));
    const ignored = (await w.run(['status', '--porcelain=v1', '-z', '--ignored=matching', '--untracked-files=normal']))
      .split('\0')
      .filter((e) => e.startsWith('!! '))
      .map((e) => e.slice(3))
      .filter((f) => !REBUILDABLE.test(f.endsWith('/') ? f : `${f}/`) && !(t.copied?.length && copiedUnchanged(repo, t, f)));
    const nested = base.untracked.filter((f) => f.endsWith('/') && existsSync(join(t.path, f, '.git'))).map((f) => `${f} (a git repository)`);
    base.unarchivable = [...nested, ...ignored.map((f) => `${f} (ignored by git)`)];
  }
  const tips = [...new Set([base.head, branchTip, ...base.mergeHeads].filter((x): x is string => !!x))];
  base.commits = await unkeptCommits(main, tips, t);
  return base;
}

export function hasLosses(i: WorktreeInspection): boolean {
  return (
    i.staged.length + i.unstaged.length + i.untracked.length + i.conflicted.length + i.commits.length + i.unarchivable.length > 0 ||
    i.operation !== null
  );
}

function list(items: string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line per kind of loss, e.g. "1 untracked file: notes.txt". */
export function describeLosses(i: WorktreeInspection): string[] {
  const out: string[] = [];
  if (i.staged.length) out.push(`${plural(i.staged.length, 'staged change')}: ${list(i.staged)}`);
  if (i.unstaged.length) out.push(`${plural(i.unstaged.length, 'modified file')} not staged: ${list(i.unstaged)}`);
  if (i.untracked.length) out.push(`${plural(i.untracked.length, 'untracked file')}: ${list(i.untracked)}`);
  if (i.conflicted.length) out.push(`${plural(i.conflicted.length, 'conflicted file')}: ${list(i.conflicted)}`);
  if (i.commits.length) {
    const n = i.commits.length >= MAX_COMMITS ? `${MAX_COMMITS}+ commits` : plural(i.commits.length, 'commit');
    out.push(`${n} not merged into the base or any other branch: ${list(i.commits.map((c) => `${c.sha.slice(0, 7)} ${c.subject}`), 3)}`);
  }
  if (i.operation) out.push(`a ${i.operation} in progress`);
  if (i.unarchivable.length) out.push(`${plural(i.unarchivable.length, 'path')} an archive cannot keep: ${list(i.unarchivable)}`);
  return out;
}
