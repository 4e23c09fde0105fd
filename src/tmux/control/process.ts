import { spawn, type ChildProcess } from 'node:child_process';
import { clientEnv } from '../env.js';

/** How long to wait for the last stderr bytes after the process has exited. */
const STDERR_GRACE_MS = 100;

/**
 * One `tmux -C` process on pipes. tmux hands a client's stdin and stdout to the server, which
 * then reads and writes the pipes itself, so (1) stopping the client process does not stop the
 * conversation and (2) the pipes stay open after the process is gone as long as the server holds
 * them. Exit is therefore taken from the process, never from the pipes closing.
 */
export class ControlProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  stderr = '';
  private gone = false;

  constructor(args: readonly string[], onData: (d: Buffer) => void, onExit: (err?: Error) => void) {
    const proc = spawn('tmux', args, { stdio: ['pipe', 'pipe', 'pipe'], env: clientEnv() });
    this.proc = proc;
    let markExited!: () => void;
    this.exited = new Promise<void>((r) => (markExited = r));
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    proc.stdin!.on('error', () => {}); // EPIPE after the client died: the exit path reports it
    // 'exit' can come before the last stderr bytes (the error text): wait a little for them.
    const stderrDone = new Promise<void>((r) => proc.stderr!.once('close', () => r()));
    const onGone = (err?: Error) => {
      if (this.gone) return;
      this.gone = true;
      let t: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => (t = setTimeout(r, STDERR_GRACE_MS)));
      void Promise.race([stderrDone, grace]).then(() => {
        clearTimeout(t);
        proc.stdin!.destroy();
        proc.stdout!.destroy();
        proc.stderr!.destroy();
        markExited();
        onExit(err);
      });
    };
    proc.on('exit', () => onGone());
    proc.on('error', (err) => onGone(err));
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get hasExited(): boolean {
    return this.gone;
  }

  get exitText(): string {
    return this.stderr.trim() || `control client exited (code ${this.proc.exitCode ?? this.proc.signalCode})`;
  }

  write(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  /** Closes stdin, signals, waits for the exit; SIGKILL when it has not exited after `graceMs`. */
  async stop(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    if (this.gone) return this.exited;
    this.proc.stdin!.end();
    this.proc.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)));
    const timedOut = await Promise.race([this.exited.then(() => false), late]);
    clearTimeout(timer);
    if (timedOut) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}
