/** Names, folders and branch names of miyabi's worktrees. */
import { existsSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { NAME_PATTERN_TEXT, nameProblem } from '../core/names.js';
import type { GitRunner } from './client.js';

export const DEFAULT_BRANCH_TEMPLATE = 'miyabi/<agent>/<task>';
/** What `<task>` becomes when a worktree is made without a task. */
export const NO_TASK = 'work';

/**
 * Worktrees live beside the repository, never inside its working tree (where the main tree's
 * `git status`, file watchers, test runners and editors would see them):
 * `<repo>/../.<repo-name>-miyabi-worktrees/<name>`.
 */
export function defaultWorktreesRoot(repo: string): string {
  return join(dirname(repo), `.${basename(repo)}-miyabi-worktrees`);
}

export function checkWorktreeName(name: unknown): string {
  const problem = nameProblem(name);
  if (problem !== null) {
    const shown = typeof name === 'string' ? JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name) : String(name);
    throw new MiyabiError('NAME', `worktree name ${shown} ${problem}`, {
      hint: `use ${NAME_PATTERN_TEXT}`,
      detail: { kind: 'BAD_NAME', name },
    });
  }
  return name as string;
}

export function renderBranch(template: string, agent: string, task: string | undefined): string {
  return template.replaceAll('<agent>', agent).replaceAll('<task>', task ?? NO_TASK);
}

/** Refuses what `git check-ref-format --branch` refuses (`..`, `~`, `:`, ` `, `.lock`, …). */
export async function checkBranchName(g: GitRunner, branch: string): Promise<void> {
  if (branch.startsWith('-') || (await g.tryRun(['check-ref-format', '--branch', branch])) === null) {
    throw new MiyabiError('NAME', `${JSON.stringify(branch)} is not a valid branch name`, {
      hint: 'check the branch template and the task id (no spaces, "..", "~", "^", ":", "?", "*", "[")',
      detail: { kind: 'BAD_BRANCH', branch },
    });
  }
}

/** Creates `root` if needed and returns its real path (worktree paths are compared as real paths). */
export function realRoot(root: string): string {
  mkdirSync(root, { recursive: true });
  return realpathSync(root);
}

/** The folder for a new worktree: must be outside the main working tree and empty or absent. */
export function checkTargetDir(repo: string, dir: string): string {
  const abs = resolve(dir);
  const parent = realRoot(dirname(abs));
  const target = join(parent, basename(abs));
  const rel = relative(repo, target);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new MiyabiError('UNSAFE_PATH', `worktree folder ${target} is inside the main working tree ${repo}`, {
      hint: 'choose a folder outside the repository (the default is beside it)',
      detail: { kind: 'BAD_DIR', path: target },
    });
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new MiyabiError('USAGE', `worktree folder ${target} already exists and is not empty`, {
      hint: `remove or move it, or choose another folder`,
      detail: { kind: 'DIR_EXISTS', path: target },
    });
  }
  return target;
}

export function realOrSame(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}
