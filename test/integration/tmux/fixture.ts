import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateTmux, type TestTmux } from '../../helpers/tmux-server.js';
import { Tmux, type TmuxOptions } from '../../../src/tmux/index.js';

/**
 * One private tmux server, one Tmux adapter and one temp dir per test. `reap()` closes the
 * control clients first (RELIABILITY 13: a leftover `tmux -C` can wedge kill-server), kills any
 * that are still alive by pid, then kills the server and unlinks its socket.
 */
export interface Fixture {
  t: TestTmux;
  dir: string;
  adapters: Tmux[];
  /** Extra pids (control clients, stopped processes) to SIGCONT and SIGKILL when reaping. */
  pids: Set<number>;
  tmux(opts?: Partial<TmuxOptions>): Tmux;
  reap(): Promise<void>;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` is alive and its command line names `socket` (guards against pid reuse). */
export function runsWith(pid: number, socket: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(socket);
  } catch {
    return false;
  }
}

export function fixture(): Fixture {
  const t = privateTmux('miyabi-tmux-test');
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-tmux-test-'));
  const f: Fixture = {
    t,
    dir,
    adapters: [],
    pids: new Set(),
    tmux(opts = {}) {
      const a = new Tmux({ socket: t.socket, configFile: '/dev/null', launchDir: join(dir, 'launch'), ...opts });
      f.adapters.push(a);
      return a;
    },
    async reap() {
      for (const a of f.adapters) {
        const pid = a.controlPid;
        if (pid !== undefined) f.pids.add(pid);
        await a.close().catch(() => undefined);
      }
      for (const pid of f.pids) {
        if (!runsWith(pid, t.socket)) continue; // exited, or the pid was reused
        for (const sig of ['SIGCONT', 'SIGKILL'] as const) {
          try {
            process.kill(pid, sig);
          } catch {
            // gone
          }
        }
      }
      t.reap();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}
