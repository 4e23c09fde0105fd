/**
 * How far an agent's worktree has moved from its base: lines added and removed per file (tracked
 * changes, committed or not, and new files git does not ignore), and the patch itself. The base is
 * the commit miyabi made the worktree from (worktrees.json); an agent working in the main checkout
 * is measured against HEAD, i.e. its uncommitted work.
 */
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { git, resolveCommit } from './client.js';
import { readRegistry } from './worktrees-registry.js';

export interface DiffFile { path: string; added: number; removed: number; binary: boolean }

export interface DiffStat {
  dir: string;
  base: string;
  baseCommit: string;
  files: DiffFile[];
  added: number;
  removed: number;
  patch?: string;
  truncated?: boolean;
}

/** New files counted at most (their lines are read, up to NEW_FILE_BYTES each). */
const NEW_FILES = 200;
const NEW_FILE_BYTES = 1 << 20;

/** `git diff --numstat -z --no-renames` output: `added\tremoved\tpath\0`, `-\t-\tpath` for binary. */
export function parseNumstat(text: string): DiffFile[] {
  const out: DiffFile[] = [];
  for (const rec of text.split('\0')) {
    const m = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(rec.replace(/^\n/, ''));
    if (!m) continue;
    const binary = m[1] === '-';
    out.push({ path: m[3] as string, added: binary ? 0 : Number(m[1]), removed: binary ? 0 : Number(m[2]), binary });
  }
  return out;
}

/** Lines of a new file (a last line without newline counts), or binary when it holds a NUL. */
function newFile(dir: string, path: string): DiffFile {
  let fd: number | undefined;
  try {
    fd = openSync(join(dir, path), 'r');
    const buf = Buffer.alloc(NEW_FILE_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const b = buf.subarray(0, n);
    if (b.includes(0)) return { path, added: 0, removed: 0, binary: true };
    let lines = 0;
    for (const c of b) if (c === 10) lines++;
    if (n > 0 && b[n - 1] !== 10) lines++;
    return { path, added: lines, removed: 0, binary: false };
  } catch {
    return { path, added: 0, removed: 0, binary: false };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The base of the worktree at `dir`: its registry entry in `repo`, else HEAD. */
async function baseOf(repo: string, dir: string): Promise<{ base: string; baseCommit: string }> {
  const here = real(dir);
  let rec: { base: string; baseCommit: string } | undefined;
  try {
    rec = Object.values(readRegistry(repo).worktrees).find((w) => real(w.path) === here);
  } catch {
    rec = undefined; // an unreadable registry: measure against HEAD
  }
  if (rec) return { base: rec.base, baseCommit: rec.baseCommit };
  const head = await resolveCommit(git(dir), 'HEAD');
  if (!head) throw new MiyabiError('NOT_FOUND', `${dir} is not a git worktree with a commit`, { hint: 'the agent works outside git: there is no diff to show' });
  return { base: 'HEAD', baseCommit: head };
}

export async function worktreeDiff(repo: string, dir: string, o: { patch?: boolean; patchLimit?: number } = {}): Promise<DiffStat> {
  const { base, baseCommit } = await baseOf(repo, dir);
  const g = git(dir);
  const [numstat, others] = await Promise.all([
    g.run(['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', baseCommit, '--']),
    g.run(['ls-files', '--others', '--exclude-standard', '-z']),
  ]);
  const fresh = others.split('\0').filter(Boolean);
  const files = [...parseNumstat(numstat), ...fresh.slice(0, NEW_FILES).map((p) => newFile(dir, p))];
  const out: DiffStat = {
    dir, base, baseCommit, files,
    added: files.reduce((a, f) => a + f.added, 0),
    removed: files.reduce((a, f) => a + f.removed, 0),
  };
  if (o.patch) {
    const limit = o.patchLimit ?? 64 * 1024;
    let text = await g.run(['diff', '--no-renames', '--no-ext-diff', '--no-color', baseCommit, '--']);
    if (fresh.length) text += `\nnew files (not yet added to git):\n${fresh.map((p) => `  ${p}`).join('\n')}\n`;
    out.truncated = Buffer.byteLength(text) > limit;
    out.patch = out.truncated ? Buffer.from(text).subarray(0, limit).toString('utf8') : text;
  }
  return out;
}
