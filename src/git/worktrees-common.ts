/** Settings and steps shared by create, take-from-pool, restore and remove. */
import { existsSync, realpathSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureExcluded } from './exclude.js';
import { MiyabiError } from '../core/errors.js';
import { git, type GitRunner } from './client.js';
import { serialize } from './limit.js';
import { runSetupHooks, type CommandRunner, type SetupResult, type WorktreeHooks } from './hooks.js';
import { allocatePort, releasePort, type PortRange } from './ports.js';
import { defaultWorktreesRoot, DEFAULT_BRANCH_TEMPLATE } from './worktrees-paths.js';
import { updateRegistry, type WorktreeRecord } from './worktrees-registry.js';

export interface WorktreeSettings {
  /** Folder that holds the worktrees (default: `<repo>/../.<repo-name>-miyabi-worktrees`). */
  root?: string;
  /** Default 'miyabi/<agent>/<task>'; `<task>` is 'work' when there is no task. */
  branchTemplate?: string;
  hooks?: WorktreeHooks;
  /** Give each worktree a port from this range (MIYABI_PORT); off when absent. */
  ports?: PortRange;
  /** Port probing (default true); tests may turn it off. */
  probePorts?: boolean;
  runner?: CommandRunner;
}

/** A miyabi worktree as handed to the caller: its record, the environment for its pane, its setup. */
export interface Worktree extends WorktreeRecord {
  env: Record<string, string>;
  setup: SetupResult | null;
}

const verified = new Map<string, string>();

/** The real path of the main working tree; NOT_GIT when `repo` is not the top of a git work tree. */
export async function openRepo(repo: string): Promise<{ repo: string; main: GitRunner }> {
  let real: string;
  try {
    real = realpathSync(repo);
  } catch (e) {
    throw new MiyabiError('NOT_GIT', `${repo} does not exist`, { cause: e });
  }
  if (!verified.has(real)) {
    const top = (await git(real).tryRun(['rev-parse', '--show-toplevel']))?.trim();
    if (!top || realpathSync(top) !== real) {
      throw new MiyabiError('NOT_GIT', `${real} is not the top folder of a git working tree`, {
        hint: top ? `use ${top}` : 'run git init, or run miyabi inside a git repository',
      });
    }
    // Keeps `.miyabi/` (our state files) out of the main tree's `git status`.
    ensureExcluded(real);
    verified.set(real, real);
  }
  return { repo: real, main: git(real) };
}

export function settingsRoot(repo: string, s: WorktreeSettings): string {
  return s.root ?? defaultWorktreesRoot(repo);
}

export function branchTemplate(s: WorktreeSettings): string {
  return s.branchTemplate ?? DEFAULT_BRANCH_TEMPLATE;
}

/** The environment an agent's pane (and its hooks) get for this worktree. */
export function worktreeEnv(r: Pick<WorktreeRecord, 'name' | 'path' | 'branch' | 'port'>): Record<string, string> {
  return {
    MIYABI_AGENT: r.name,
    MIYABI_WORKTREE: r.path,
    ...(r.branch ? { MIYABI_BRANCH: r.branch } : {}),
    ...(r.port !== undefined ? { MIYABI_PORT: String(r.port) } : {}),
  };
}

/**
 * Allocates the port and runs the setup hooks, then records both (port, copied files) in the
 * registry entry; on failure releases the port and rethrows.
 */
export async function prepareWorktree(
  repo: string,
  record: WorktreeRecord,
  s: WorktreeSettings,
  runHooks = true,
): Promise<Worktree> {
  if (s.ports) record.port = await allocatePort(repo, record.name, { range: s.ports, probe: s.probePorts ?? true });
  try {
    const env = worktreeEnv(record);
    const setup = runHooks && s.hooks ? await runSetupHooks({ repo, worktree: record.path, hooks: s.hooks, env, ...(s.runner ? { runner: s.runner } : {}) }) : null;
    if (setup?.copied.length) record.copied = setup.copied;
    if (record.port !== undefined || record.copied) {
      await updateRegistry(repo, (r) => {
        const w = r.worktrees[record.name];
        if (w?.path !== record.path) return;
        if (record.port !== undefined) w.port = record.port;
        if (record.copied) w.copied = record.copied;
      });
    }
    return { ...record, env, setup };
  } catch (e) {
    if (s.ports) await releasePort(repo, record.name);
    throw e;
  }
}

/**
 * Git commands that change `.git/worktrees/`, branches, refs or `.git/config` run one at a time per
 * repository: git does not wait for its own lock files, and `worktree add` (and `branch -D`) read
 * every other worktree's admin folder, failing on one that is half made ("failed to read
 * .git/worktrees/x/commondir"). The slow parts — checkouts, status, archives, deleting files — run
 * outside this lock, in parallel. (Within one process: the controller is the only writer.)
 */
export function adminLock<T>(repo: string, fn: () => Promise<T>): Promise<T> {
  return serialize(`git-admin:${repo}`, fn);
}

export interface AddSpec {
  path: string;
  commit: string;
  /** Branch to make at `commit` (create) or to check out (existing); none: detached at `commit`. */
  branch?: { name: string; create: boolean };
  /** Fill the folder (default true). Without it the index and folder are left empty. */
  checkout?: boolean;
}

/** `git worktree add --no-checkout` under the admin lock, then the checkout outside it. */
export async function addWorktree(main: GitRunner, spec: AddSpec): Promise<void> {
  const args = ['worktree', 'add', '--quiet', '--no-checkout'];
  if (!spec.branch) args.push('--detach', spec.path, spec.commit);
  else if (spec.branch.create) args.push('-b', spec.branch.name, spec.path, spec.commit);
  else args.push(spec.path, spec.branch.name);
  await adminLock(main.dir, () => main.run(args));
  if (spec.checkout !== false) await git(spec.path).run(['reset', '--hard', '--quiet']);
}

/**
 * Deletes a worktree: its files first, in parallel with other removals (node_modules can take
 * seconds), then `git worktree remove` under the admin lock. Callers archive before this.
 */
export async function deleteWorktreeFolder(main: GitRunner, path: string): Promise<void> {
  if (existsSync(path)) {
    const names = await readdir(path);
    await Promise.all(names.filter((n) => n !== '.git').map((n) => rm(join(path, n), { recursive: true, force: true })));
  }
  await adminLock(main.dir, async () => {
    if (!existsSync(path)) return void (await main.run(['worktree', 'prune']));
    // --force twice: also when it is locked (we only get here past the losses check, or --force).
    await main.run(['worktree', 'remove', '--force', '--force', path]);
  });
}

/** Deletes `branch` if it still points at one of `tips` (a branch moved by someone else stays). */
export async function deleteBranch(main: GitRunner, branch: string, tips?: readonly (string | null)[]): Promise<boolean> {
  return adminLock(main.dir, async () => {
    const tip = (await main.tryRun(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]))?.trim();
    if (!tip || (tips && !tips.includes(tip))) return false;
    return (await main.tryRun(['branch', '-D', branch])) !== null;
  });
}

/** Undoes a worktree miyabi has just made (nothing in it can be anyone's work yet). */
export async function discardNewWorktree(main: GitRunner, path: string, branch: string | null): Promise<void> {
  await adminLock(main.dir, () => main.tryRun(['worktree', 'remove', '--force', '--force', path]));
  if (branch) await deleteBranch(main, branch);
}
