import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
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
      try {
        execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
      } catch {
        // already gone
      }
      const p = socketPath(socket);
      if (existsSync(p)) unlinkSync(p);
    },
  };
}
