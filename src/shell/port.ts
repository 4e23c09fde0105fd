/**
 * ShellPort: the door domain parts take to run a user command (DESIGN.md, docs/architecture.md).
 * src/shell/run.ts implements it over real processes; unit tests pass a fake that runs nothing.
 */
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
  /** Gets the command line (`$ …`, as sh would take it), then every byte of output, then why it could not start. */
  logFile?: string;
  /** Every chunk of output as it comes (a progress stream). */
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
  /** Signals a whole process group; false when it is already gone. */
  killGroup(pgid: number, signal: NodeJS.Signals): boolean;
}
