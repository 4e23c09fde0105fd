/**
 * Per-project setup and teardown of a new worktree: copy files that git does not carry (`.env`)
 * from the main tree, run an install command in the worktree, and the reverse on removal.
 * Commands are argument arrays (no shell) run with a timeout; the runner is a port so unit tests
 * need no processes.
 */
import { cpSync, existsSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { runShell } from '../shell/run.js';

export interface CommandSpec {
  argv: string[];
  /** Default 300 s for install, 60 s for teardown. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface WorktreeHooks {
  /** Paths relative to the repository root, copied into the worktree at the same place. */
  copy?: string[];
  install?: CommandSpec;
  teardown?: CommandSpec;
}

export interface CommandResult {
  argv: string[];
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The last 4 KiB of stdout and stderr together. */
  output: string;
}

export type CommandRunner = (argv: string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number }) => Promise<CommandResult>;

/**
 * Hooks run through the shell door (shell/run.ts): in a process group of their own, killed whole
 * on timeout (an install that started a watcher or a daemon leaves nothing behind), and whatever
 * the hook left running in its group when it exits goes with it.
 */
export const shellRunner: CommandRunner = async (argv, { cwd, env, timeoutMs }) => {
  if (!argv[0]) throw new MiyabiError('CONFIG', 'hook command is empty', { hint: 'give the command as an argument array, e.g. [npm, ci]' });
  const r = await runShell({ argv, cwd, env, extendEnv: true, timeoutMs, graceMs: 1000 });
  return {
    argv,
    exitCode: r.timedOut ? null : r.exitCode,
    timedOut: r.timedOut,
    durationMs: r.durationMs,
    output: r.spawnError ?? r.tail,
  };
};

export interface SetupResult {
  copied: string[];
  /** Listed files that the main tree does not have (skipped, not an error). */
  missing: string[];
  install: CommandResult | null;
}

function checkRelative(rel: string): string {
  const n = normalize(rel);
  if (rel === '' || isAbsolute(rel) || n === '..' || n.startsWith(`..${sep}`) || n.split(sep).includes('.git')) {
    throw new MiyabiError('UNSAFE_PATH', `hook file ${JSON.stringify(rel)} must be a path inside the repository`, {
      hint: 'list files relative to the repository root, e.g. .env or config/local.json',
      detail: { kind: 'BAD_HOOK_PATH' },
    });
  }
  return n;
}

export function copyHookFiles(repo: string, worktree: string, files: readonly string[]): { copied: string[]; missing: string[] } {
  const copied: string[] = [];
  const missing: string[] = [];
  for (const f of files.map(checkRelative)) {
    const from = join(repo, f);
    if (!existsSync(from)) {
      missing.push(f);
      continue;
    }
    cpSync(from, join(worktree, f), { recursive: true, force: true, preserveTimestamps: true });
    copied.push(f);
  }
  return { copied, missing };
}

async function runHook(what: string, spec: CommandSpec, worktree: string, env: Record<string, string>, defTimeout: number, runner: CommandRunner): Promise<CommandResult> {
  const r = await runner(spec.argv, { cwd: worktree, env: { ...env, ...spec.env }, timeoutMs: spec.timeoutMs ?? defTimeout });
  if (r.exitCode !== 0 || r.timedOut) {
    const why = r.timedOut ? `timed out after ${spec.timeoutMs ?? defTimeout} ms` : `exited with ${r.exitCode}`;
    throw new MiyabiError('IO', `${what} command ${JSON.stringify(spec.argv.join(' '))} ${why} in ${worktree}${r.output ? `:\n${r.output.trimEnd()}` : ''}`, {
      hint: r.timedOut ? 'raise its timeout_ms, or make the command faster' : 'run the command by hand in the worktree to see why',
      detail: { kind: 'HOOK_FAILED', argv: spec.argv, exitCode: r.exitCode, timedOut: r.timedOut },
    });
  }
  return r;
}

export async function runSetupHooks(opts: {
  repo: string;
  worktree: string;
  hooks: WorktreeHooks;
  env?: Record<string, string>;
  runner?: CommandRunner;
}): Promise<SetupResult> {
  const { copied, missing } = copyHookFiles(opts.repo, opts.worktree, opts.hooks.copy ?? []);
  const install = opts.hooks.install
    ? await runHook('install', opts.hooks.install, opts.worktree, opts.env ?? {}, 300_000, opts.runner ?? shellRunner)
    : null;
  return { copied, missing, install };
}

export async function runTeardownHooks(opts: {
  worktree: string;
  hooks: WorktreeHooks;
  env?: Record<string, string>;
  runner?: CommandRunner;
}): Promise<CommandResult | null> {
  if (!opts.hooks.teardown || !existsSync(opts.worktree)) return null;
  return runHook('teardown', opts.hooks.teardown, opts.worktree, opts.env ?? {}, 60_000, opts.runner ?? shellRunner);
}
