/**
 * The one door for user commands (pipeline actions, worktree hooks): each runs in a process group
 * of its own (spawned detached, so the child leads a new group), and the whole group — the command
 * and everything it started — is killed on timeout, on cancel, and when the command itself exits
 * (a watcher or daemon left behind would hold the output pipes open and outlive its stage).
 * Callers take ShellPort, so unit tests need no processes.
 */
import { killGroup, terminateGroup, KILL_GRACE_MS } from './process-group.js';

export interface ShellCommand {
  /** The program and its arguments (no shell), or with `sh: true` one script for `/bin/sh -c`. */
  argv: readonly string[];
  sh?: boolean;
  cwd: string;
  env: Record<string, string>;
  /** Put `env` over this process's environment (default false: `env` is all the command gets). */
  extendEnv?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** After SIGTERM the group gets this long before SIGKILL (default KILL_GRACE_MS). */
  graceMs?: number;
  /** Every chunk of output as it comes (a log file, a progress stream). */
  onOutput?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
  /** The group's id once the command runs (a cancel from another process reads it). */
  onSpawn?: (pgid: number) => void;
  onExit?: (pgid: number) => void;
}

export interface ShellResult {
  /** null when it was killed by a signal, or never started. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** `signal` was aborted (before the start or while it ran). */
  aborted: boolean;
  /** False when an abort came before the process was spawned. */
  started: boolean;
  /** Why the command could not be started (not found, not executable), else null. */
  spawnError: string | null;
  /** Standard output, up to 1 MiB. */
  stdout: string;
  /** The last 4 KiB of stdout and stderr as they interleaved. */
  tail: string;
  durationMs: number;
}

export interface ShellPort {
  run(cmd: ShellCommand): Promise<ShellResult>;
}

const MAX_KEEP = 1024 * 1024;
const TAIL = 4096;

/** The real ShellPort: execa over process groups. */
export const processShell: ShellPort = { run: runShell };

export async function runShell(cmd: ShellCommand): Promise<ShellResult> {
  const t0 = performance.now();
  const argv = cmd.sh ? ['/bin/sh', '-c', ...cmd.argv.slice(0, 1)] : cmd.argv;
  const [file, ...args] = argv;
  const result = (over: Partial<ShellResult>): ShellResult => ({
    exitCode: null, signal: null, timedOut: false, aborted: false, started: false, spawnError: null, stdout: '', tail: '', durationMs: performance.now() - t0, ...over,
  });
  if (!file) return result({ spawnError: 'empty command' });
  // Loaded on first use: evaluating execa costs the controller's start-up about 20 ms. Before the
  // check below: an abort while it loads must stop the command from starting at all.
  const { execa } = await import('execa');
  if (cmd.signal?.aborted) return result({ aborted: true });
  const running = (over: Partial<ShellResult>) => result({ started: true, ...over });
  const child = execa(file, args, {
    cwd: cmd.cwd,
    env: cmd.env,
    extendEnv: cmd.extendEnv ?? false,
    detached: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    // execa's own cleanup kills only the leader; the group is ours to kill (below).
    cleanup: true,
  });
  const pgid = child.pid;
  let stdout = '';
  let tail = '';
  const take = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
    cmd.onOutput?.(d, stream);
    if (stream === 'stdout' && stdout.length < MAX_KEEP) stdout += d.toString('utf8');
    tail = (tail + d.toString('utf8')).slice(-TAIL);
  };
  child.stdout?.on('data', take('stdout'));
  child.stderr?.on('data', take('stderr'));
  let timedOut = false;
  const stop = () => {
    if (pgid !== undefined) terminateGroup(pgid, cmd.graceMs ?? KILL_GRACE_MS);
  };
  const timer = cmd.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    stop();
  }, cmd.timeoutMs);
  if (pgid !== undefined) cmd.onSpawn?.(pgid);
  // A command that leaves a child in the background keeps our pipes open, and execa would wait
  // for them: when the command itself exits, its group goes with it.
  child.once('exit', () => {
    if (pgid !== undefined) killGroup(pgid, 'SIGKILL');
  });
  cmd.signal?.addEventListener('abort', stop, { once: true });
  try {
    const r = await child;
    if (r.failed && r.exitCode === undefined && r.signal === undefined) {
      const why = String((r as { originalMessage?: string }).originalMessage ?? r.message ?? 'could not start');
      return result({ spawnError: why, tail: why });
    }
    return running({
      exitCode: r.exitCode ?? null,
      signal: r.signal ?? null,
      timedOut,
      aborted: cmd.signal?.aborted ?? false,
      stdout: stdout.slice(0, MAX_KEEP),
      tail,
    });
  } finally {
    if (timer) clearTimeout(timer);
    cmd.signal?.removeEventListener('abort', stop);
    // Whatever the command left running in its group goes with it.
    if (pgid !== undefined) {
      killGroup(pgid, 'SIGKILL');
      cmd.onExit?.(pgid);
    }
  }
}
