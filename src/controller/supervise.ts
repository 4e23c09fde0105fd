/**
 * Starts this controller's supervisor beside it (issue #17): `up` starts the controller itself,
 * so that one node start-up, not two in series, sits on its path; the controller then starts the
 * supervisor, detached, with an IPC channel between them. The supervisor learns the controller's
 * exit code over that channel (`tell`), and a channel that closes without one means the
 * controller died (SIGKILL, a crash): it then starts a new controller, as its own child from there on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { supervisorMain } from '../core/package-paths.js';
import { projectPaths } from '../core/paths.js';
import { writeSupervisorPid } from '../core/supervisor-file.js';

/** What the controller tells its supervisor just before it exits. */
export interface ExitNote {
  exit: number;
}

export interface Watcher {
  /** Sends the exit code; resolves once it is written (or at once when the supervisor is gone). */
  tell(code: number): Promise<void>;
}

export function startWatcher(
  o: { root: string; tmuxSocket: string; layout?: string | undefined },
  pid: number,
  log: (line: string) => void,
): Watcher {
  const argv = [supervisorMain(), '--root', o.root, '--tmux-socket', o.tmuxSocket, '--watch', String(pid), ...(o.layout ? ['--layout', o.layout] : [])];
  let child: ChildProcess | null = null;
  try {
    child = spawn(process.execPath, argv, {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      cwd: o.root,
      env: { ...process.env, MIYABI_SUPERVISED: undefined },
    });
    child.on('error', (e) => log(`supervisor: ${e.message}`));
    // The channel must not keep this process alive, nor the child's exit end it.
    child.unref();
    child.channel?.unref();
    // Written here, not by the supervisor once loaded: a `down` right after `up` must find it.
    if (child.pid) writeSupervisorPid(projectPaths(o.root).run, child.pid);
  } catch (e) {
    log(`supervisor not started: ${String(e)}`);
  }
  return {
    tell: (code) =>
      new Promise<void>((resolve) => {
        const c = child;
        if (!c?.connected) return resolve();
        const timer = setTimeout(resolve, 1000);
        c.send({ exit: code } satisfies ExitNote, undefined, undefined, () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
