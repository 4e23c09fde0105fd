import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { pidAlive, readLock } from '../../src/core/instance-lock.js';
import { liveSupervisor } from '../../src/core/supervisor-file.js';
import { privateTmux, type TestTmux } from './tmux-server.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'miyabi.js');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A temporary git repository with one commit, and a private tmux server name for it. */
export interface TestProject {
  root: string;
  tmux: TestTmux;
  miyabi(args: string[], opts?: { env?: Record<string, string>; input?: string | Buffer }): Promise<CliResult>;
  controllerPid(): number | null;
  write(rel: string, text: string): string;
  cleanup(): Promise<void>;
}

export function makeProject(prefix = 'miyabi-it'): TestProject {
  const root = realpathSync(mkdtempSync(join(tmpdir(), `${prefix}-`)));
  const git = (...a: string[]) => execFileSync('git', a, { cwd: root, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(root, 'README.md'), 'test repo\n');
  git('add', '.');
  git('-c', 'user.email=t@t.invalid', '-c', 'user.name=t', 'commit', '-qm', 'init');
  const tmux = privateTmux('miyabi-it');
  const project: TestProject = {
    root,
    tmux,
    miyabi: async (args, opts = {}) => {
      const r = await execa(process.execPath, [BIN, ...args], {
        cwd: root,
        // Unsupervised unless a test asks (MIYABI_SUPERVISE=1): most tests kill a controller on purpose.
        env: { MIYABI_TMUX_SOCKET: tmux.socket, MIYABI_SUPERVISE: '0', ...opts.env },
        reject: false,
        timeout: 60_000,
        ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
      });
      return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    controllerPid: () => readLock(join(root, '.miyabi', 'run', 'controller.lock'))?.pid ?? null,
    write: (rel, text) => {
      const p = join(root, rel);
      writeFileSync(p, text);
      return p;
    },
    cleanup: async () => {
      // A supervisor first, or it starts the controller again as we end it.
      const sup = liveSupervisor(join(root, '.miyabi', 'run'));
      if (sup) process.kill(sup, 'SIGKILL');
      const pid = project.controllerPid();
      // The controller leads its own process group, with its tmux control client in it: end both
      // before the server (a leftover control client can wedge kill-server on tmux 3.3a).
      if (pid && pidAlive(pid)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          process.kill(pid, 'SIGKILL');
        }
      }
      tmux.reap();
      // A program killed with the tmux server (an agent CLI) may still be writing files for a moment.
      rmSync(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    },
  };
  return project;
}

/** Polls `fn` until it returns a truthy value or the deadline passes (libtmux retry_until). */
export async function until<T>(fn: () => T | Promise<T>, what: string, deadlineMs = 10_000): Promise<NonNullable<T>> {
  const end = Date.now() + deadlineMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${deadlineMs} ms waiting for ${what} (last: ${String(last)})`);
}

export { pidAlive };
