/**
 * The environment given to every tmux client we spawn. TMUX and TMUX_PANE are dropped: when
 * miyabi itself runs inside a tmux pane they point at the user's own server, and a server we
 * start would copy them into its global environment.
 */
export function clientEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || k === 'TMUX' || k === 'TMUX_PANE') continue;
    env[k] = v;
  }
  return env;
}

/** `-L` names stay simple: tmux joins them into a socket path under $TMUX_TMPDIR/tmux-<uid>/. */
export const SOCKET_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
