import { spawn } from 'node:child_process';

/**
 * Runs one short-lived process (a tmux client) and collects its output. Deliberately on
 * node:child_process rather than execa: execa's import alone costs ≈ 80 ms here, and every CLI
 * verb and the controller's start pay it on their hot path (DESIGN.md targets for `up`/`send`).
 */
export interface SpawnResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ENOENT and friends: the program could not be started at all. */
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
}

export interface SpawnOptions {
  input?: string | Uint8Array;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** After the process exits, how long its pipes may stay open before they are dropped. */
  stdioGraceMs?: number;
}

export function runProcess(file: string, args: readonly string[], o: SpawnOptions): Promise<SpawnResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: o.env,
      stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: NodeJS.ErrnoException | undefined;
    let done = false;
    let open = 2;
    const finish = () => {
      if (done || !exit) return;
      done = true;
      clearTimeout(timer);
      resolve({
        exitCode: exit.code,
        signal: exit.signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    const closed = () => {
      open -= 1;
      if (open === 0) finish();
    };
    child.stdout?.on('data', (d: Buffer) => out.push(d)).once('close', closed);
    child.stderr?.on('data', (d: Buffer) => err.push(d)).once('close', closed);
    // A tmux client hands its stdio to the server, so when the server is stopped the pipes stay
    // open after the client is killed: after exit, give them a grace period, then drop them.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      const drop = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, timedOut ? 0 : (o.stdioGraceMs ?? 1000));
      drop.unref();
      if (open === 0) finish();
    });
    child.once('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      exit ??= { code: null, signal: null };
      finish();
    });
    if (o.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(o.input);
    }
  });
}
