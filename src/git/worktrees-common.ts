/** Settings and steps shared by create, take-from-pool, restore and remove. */
import { realpathSync } from 'node:fs';
import { MiyabiError } from '../core/errors.js';
import { git, type GitRunner } from './client.js';
import { serialize } from './limit.js';
import { runSetupHooks, type CommandRunner, type SetupResult, type WorktreeHooks } from './hooks.js';
import { allocatePort, releasePort, type PortRange } from './ports.js';
import { defaultWorktreesRoot, DEFAULT_BRANCH_TEMPLATE } from './worktrees-paths.js';
import type { WorktreeRecord } from './worktrees-registry.js';

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

/** Allocates the port and runs the setup hooks; on failure releases the port and rethrows. */
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
    return { ...record, env, setup };
  } catch (e) {
    if (s.ports) await releasePort(repo, record.name);
    throw e;
  }
}

/** Undoes a worktree miyabi has just made (nothing in it can be anyone's work yet). */
export async function discardNewWorktree(main: GitRunner, path: string, branch: string | null): Promise<void> {
  await main.tryRun(['worktree', 'remove', '--force', '--force', path]);
  if (branch) await serialize(`refs:${main.dir}`, () => main.tryRun(['branch', '-D', branch]));
}
