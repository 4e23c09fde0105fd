import { spawnSync } from 'node:child_process';

/**
 * Hands the user's terminal to `tmux attach`. Inside a tmux client of the same server, switch
 * instead of nesting; inside another server, attach with TMUX unset (tmux refuses otherwise).
 */
export function attachTerminal(socket: string, session: string): number {
  const env = { ...process.env };
  const target = `=${session}`;
  const inside = env.TMUX?.split(',')[0];
  if (inside && inside.endsWith(`/${socket}`)) {
    return spawnSync('tmux', ['-L', socket, 'switch-client', '-t', target], { stdio: 'inherit' }).status ?? 1;
  }
  delete env.TMUX;
  delete env.TMUX_PANE;
  return spawnSync('tmux', ['-L', socket, 'attach-session', '-t', target], { stdio: 'inherit', env }).status ?? 1;
}
