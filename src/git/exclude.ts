import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** The repository's common git dir, read from `.git` (a folder, or a file in a worktree). */
export function gitCommonDir(root: string): string | null {
  const dotGit = join(root, '.git');
  if (!existsSync(dotGit)) return null;
  if (statSync(dotGit).isDirectory()) return dotGit;
  const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!m?.[1]) return null;
  const gitdir = isAbsolute(m[1]) ? m[1] : resolve(root, m[1]);
  const common = join(gitdir, 'commondir');
  if (existsSync(common)) return resolve(gitdir, readFileSync(common, 'utf8').trim());
  return gitdir;
}

/** Keeps `.miyabi/` out of `git status` without touching the user's .gitignore. */
export function ensureExcluded(root: string, entry = '/.miyabi/'): boolean {
  const common = gitCommonDir(root);
  if (!common) return false;
  const info = join(common, 'info');
  const file = join(info, 'exclude');
  mkdirSync(info, { recursive: true });
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (text.split('\n').some((l) => l.trim() === entry)) return true;
  appendFileSync(file, `${text.length > 0 && !text.endsWith('\n') ? '\n' : ''}# miyabi state\n${entry}\n`);
  return true;
}
