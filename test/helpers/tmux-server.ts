import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private tmux server per test (libtmux's pytest plugin): a unique -L name, and a reaper that
 * kills that server only and unlinks its socket. Never touches the user's default server.
 */
export interface TestTmux {
  socket: string;
  tmux(...args: string[]): string;
  reap(): void;
}

export function socketPath(socket: string): string {
  const uid = process.getuid?.() ?? 0;
  const base = process.env.TMUX_TMPDIR || tmpdir();
  return join(base, `tmux-${uid}`, socket);
}

export function privateTmux(prefix = 'miyabi-test'): TestTmux {
  const socket = `${prefix}-${randomUUID().slice(0, 8)}`;
  return {
    socket,
    tmux: (...args: string[]) =>
      execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    reap: () => {
      // Clients first (a leftover `tmux -C` can wedge kill-server on 3.3a), then the server,
      // then anything still running under this unique socket name: ours alone.
      killBySocket(socket, '-C');
      let panes: number[] = [];
      try {
        panes = execFileSync('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
          .split('\n').map(Number).filter((n) => n > 1);
      } catch {
        // no server
      }
      try {
        execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore', timeout: 5000 });
      } catch {
        // already gone
      }
      killBySocket(socket);
      // Each pane's program leads its own process group: a program that outlives the hangup (an
      // agent CLI still saving its files) goes too, so its test folder can be removed.
      for (const pid of panes) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone with the server
        }
      }
      const p = socketPath(socket);
      if (existsSync(p)) unlinkSync(p);
    },
  };
}

/** SIGKILLs the tmux processes whose command line names this socket (and `extra`, if given). */
function killBySocket(socket: string, extra?: string): void {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv[0]?.endsWith('tmux') || argv[1] !== '-L' || argv[2] !== socket) continue;
    if (extra !== undefined && !argv.includes(extra)) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
