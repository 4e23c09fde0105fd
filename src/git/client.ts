/**
 * The one door to the git binary (DESIGN.md: `git/` is the only code that touches git, through
 * simple-git). Every call names its subcommand in the error, like libtmux's `subcommand=`.
 */
import { existsSync } from 'node:fs';
import type { SimpleGit } from 'simple-git';
import { MiyabiError } from '../core/errors.js';

/** Identity for the commits miyabi writes itself (archives): never depends on the user's config. */
const MIYABI_IDENTITY = {
  GIT_AUTHOR_NAME: 'miyabi',
  GIT_AUTHOR_EMAIL: 'miyabi@localhost',
  GIT_COMMITTER_NAME: 'miyabi',
  GIT_COMMITTER_EMAIL: 'miyabi@localhost',
};

export interface GitRunner {
  readonly dir: string;
  /** Runs `git <args>` in `dir`; throws a MiyabiError naming the subcommand when git fails. */
  run(args: string[]): Promise<string>;
  /** Like run, but returns null instead of throwing when git exits non-zero. */
  tryRun(args: string[]): Promise<string | null>;
}

export interface GitRunnerOptions {
  /** Extra environment (e.g. GIT_INDEX_FILE), added to process.env. */
  env?: Record<string, string>;
  /** Use miyabi's own author/committer identity (for archive commits). */
  miyabiIdentity?: boolean;
}

/**
 * simple-git waits 50 ms more after a process that printed nothing (its completion plugin's
 * `deferClose`, a guard against 'close' arriving before the output). Silent commands are common
 * here (`branch -m`, `worktree move`, `update-ref`, a failing `show-ref --quiet`), so three of them
 * cost 150 ms. With GIT_TRACE=1 git writes a trace line to stderr first, and simple-git returns as
 * soon as the process closes; the trace lines are dropped from error messages.
 */
const TRACE_ENV = { GIT_TRACE: '1' };
const TRACE_LINE = /^\d{2}:\d{2}:\d{2}\.\d+ \S+:\d+ +trace: .*$/;

export function withoutTrace(text: string): string {
  return text
    .split('\n')
    .filter((l) => !TRACE_LINE.test(l))
    .join('\n')
    .trim();
}

export function gitFailure(dir: string, args: readonly string[], e: unknown): MiyabiError {
  const text = withoutTrace(e instanceof Error ? e.message : String(e));
  return new MiyabiError('IO', `git ${args.slice(0, 3).join(' ')} failed in ${dir}: ${text || 'no output'}`, {
    cause: e,
    detail: { kind: 'GIT_FAILED', command: ['git', ...args], dir },
  });
}

export function git(dir: string, options: GitRunnerOptions = {}): GitRunner {
  if (!existsSync(dir)) {
    throw new MiyabiError('NOT_FOUND', `git: folder ${dir} does not exist`, { detail: { kind: 'GIT_FAILED', dir } });
  }
  // simple-git is loaded on first use: evaluating it costs the controller's start-up about 15 ms.
  let sg: Promise<SimpleGit> | undefined;
  const client = (): Promise<SimpleGit> =>
    (sg ??= import('simple-git').then(({ simpleGit }) =>
      simpleGit({
        baseDir: dir,
        maxConcurrentProcesses: 8,
        trimmed: false,
        // By default simple-git settles 50 ms after the process *exits*, whether or not its stdout
        // has been read: on a busy machine `write-tree` then "printed" nothing, the archive commit
        // failed, and a parallel clean kept that worktree and its port. Wait for the pipes to close.
        completion: { onExit: false },
        // simple-git only fails a command that exits non-zero *and* wrote to stderr; `show-ref
        // --quiet` and `rev-parse --quiet` fail silently, so any non-zero exit is an error here.
        errors: (error, result) => {
          if (error) return error;
          if (result.exitCode === 0) return undefined;
          const text = withoutTrace(Buffer.concat([...result.stdErr, ...result.stdOut]).toString('utf8'));
          return Buffer.from(text || `exit code ${result.exitCode}`);
        },
      }).env({ ...process.env, ...TRACE_ENV, ...(options.miyabiIdentity ? MIYABI_IDENTITY : {}), ...options.env }),
    ));
  const run = async (args: string[]): Promise<string> => {
    try {
      return await (await client()).raw(args);
    } catch (e) {
      throw gitFailure(dir, args, e);
    }
  };
  return {
    dir,
    run,
    tryRun: async (args) => {
      try {
        return await (await client()).raw(args);
      } catch {
        return null;
      }
    },
  };
}

/** The commit `ref` names, or null when it names none. */
export async function resolveCommit(g: GitRunner, ref: string): Promise<string | null> {
  const out = await g.tryRun(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const sha = out?.trim();
  return sha ? sha : null;
}

export async function refExists(g: GitRunner, ref: string): Promise<boolean> {
  return (await g.tryRun(['show-ref', '--verify', '--quiet', ref])) !== null;
}
