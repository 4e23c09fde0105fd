import { MiyabiError } from '../core/errors.js';
import { clientEnv, SOCKET_PATTERN } from './env.js';
import { missingError, timeoutError, tmuxError } from './errors.js';
import { runProcess } from './spawn.js';

/**
 * One-shot tmux runs: `tmux -L <socket> …` with an argument array (never a shell), and the
 * failure sorted into unreachable / target gone / command error / timeout / not installed.
 */
export interface ExecOptions {
  /** Written to tmux's stdin (for `load-buffer -`). */
  input?: string | Uint8Array;
  /** Kill the client and throw TMUX_TIMEOUT after this long. Default 3000 ms. */
  timeoutMs?: number;
  /** `-f <file>`: only read when this run starts the server. */
  configFile?: string;
}

export const DEFAULT_TIMEOUT_MS = 3000;
const STDIO_GRACE_MS = 1000;

/**
 * tmux's client packs the argument vector into one message of at most MAX_IMSGSIZE (16384)
 * bytes, headers included, and refuses longer ones with "command too long" (RELIABILITY 3).
 */
export const MAX_ARGV_BYTES = 15_000;

/**
 * tmux's argv parser (`cmd_parse_from_arguments`) eats a trailing `;` of ANY argument and
 * ends the command there (RELIABILITY 2). `x\;` comes through as `x;`, and `x\\;` as `x\;`, so
 * putting one backslash before a final `;` always gives the original text back.
 */
export function escapeArg(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

/** Joins commands into one argv with `;` separators, every argument escaped. */
export function chainArgv(commands: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  commands.forEach((cmd, i) => {
    if (i > 0) out.push(';');
    for (const a of cmd) out.push(escapeArg(a));
  });
  return out;
}

export function argvBytes(argv: readonly string[]): number {
  return argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
}

export function assertSocket(socket: string): void {
  if (!SOCKET_PATTERN.test(socket)) {
    throw new MiyabiError('USAGE', `invalid tmux socket name ${JSON.stringify(socket)}`, {
      hint: 'use 1-64 characters of A-Z a-z 0-9 _ . -',
    });
  }
}

/** Runs one tmux command; every argument is passed literally. Resolves with stdout. */
export function tmuxExec(socket: string, args: readonly string[], opts: ExecOptions = {}): Promise<string> {
  return tmuxExecChain(socket, [args], opts);
}

/** Runs several commands in ONE tmux client: tmux executes the list without yielding. */
export async function tmuxExecChain(
  socket: string,
  commands: readonly (readonly string[])[],
  opts: ExecOptions = {},
): Promise<string> {
  assertSocket(socket);
  const names = commands.map((c) => c[0] ?? '?');
  const subcommand = names.length > 1 ? `${names[0]} (+${names.length - 1} chained)` : (names[0] ?? '?');
  const argv = chainArgv(commands);
  if (argvBytes(argv) > MAX_ARGV_BYTES) {
    throw new MiyabiError('TMUX_COMMAND', `tmux ${subcommand}: command is ${argvBytes(argv)} bytes, over tmux's limit`, {
      hint: 'split the command or pass large payloads on stdin (load-buffer -)',
      detail: { subcommand, socket },
    });
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const full = ['-L', socket, ...(opts.configFile ? ['-f', opts.configFile] : []), ...argv];
  const r = await runProcess('tmux', full, { input: opts.input, env: clientEnv(), timeoutMs, stdioGraceMs: STDIO_GRACE_MS });
  if (r.timedOut) throw timeoutError(`"${subcommand}"`, timeoutMs, socket, r);
  if (r.spawnError?.code === 'ENOENT') throw missingError(r.spawnError);
  if (r.spawnError) throw tmuxError(subcommand, r.spawnError.message, socket, r.spawnError);
  if (r.exitCode !== 0) {
    const text = r.stderr || r.stdout || `exit ${r.exitCode ?? r.signal}`;
    throw tmuxError(subcommand, text, socket, r);
  }
  return r.stdout;
}
