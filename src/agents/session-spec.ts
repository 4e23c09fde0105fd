import type { SessionLayout, PaneLayout } from '../config/layout-types.js';
import { shJoin } from '../core/sh-quote.js';
import type { PaneSpec, SessionSpec } from '../tmux/port.js';

/** Variables a pane must not inherit from wherever `miyabi up` was typed. */
const DROPPED_ENV = new Set(['TMUX', 'TMUX_PANE', 'MIYABI_AGENT', 'MIYABI_ROLE', 'MIYABI_SUPERVISED']);

export interface SpecContext {
  root: string;
  tmuxSocket: string;
  ipcSocket: string;
  baseEnv: NodeJS.ProcessEnv;
  /** The folder with the `miyabi` shim (miyabi-shim.ts), put first on every pane's PATH. */
  binDir?: string;
}

/** How a person would write the pane's command, for `status`. */
export function paneCommandText(p: PaneLayout): string {
  // A shell command is normalized to ['/bin/sh', '-c', text]: show the text the user wrote.
  if (p.command.kind === 'shell') return p.command.argv[2] ?? '';
  return shJoin(p.command.argv);
}

export function paneEnv(layout: SessionLayout, p: PaneLayout, ctx: SpecContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.baseEnv)) if (v !== undefined && !DROPPED_ENV.has(k)) env[k] = v;
  Object.assign(env, layout.env, p.env, {
    MIYABI_ROOT: ctx.root,
    MIYABI_SESSION: layout.session,
    MIYABI_TMUX_SOCKET: ctx.tmuxSocket,
    MIYABI_IPC: ctx.ipcSocket,
    MIYABI_ROLE: p.role,
  });
  if (p.role === 'agent') env.MIYABI_AGENT = p.name;
  // After the layout's own env: a layout that sets PATH still finds `miyabi done`.
  if (ctx.binDir) env.PATH = pathWith(ctx.binDir, env.PATH);
  return env;
}

/**
 * miyabi's own conductor and dashboard are clients of the controller: each starts once its socket
 * is there, so that their two node start-ups do not share the CPU with the controller's own
 * while `up` waits for it (issue #17; on 2 cores they cost `up` about 2 node start-ups).
 */
export function waitsForController(p: PaneLayout): boolean {
  return p.command.kind === 'default' && (p.role === 'conductor' || p.role === 'dashboard');
}

export function sessionSpec(layout: SessionLayout, ctx: SpecContext, launchDir: string): SessionSpec {
  return {
    name: layout.session,
    launchDir,
    options: { '@miyabi_root': ctx.root },
    windows: layout.windows.map((w) => ({
      name: w.name,
      arrangement: w.arrangement,
      panes: w.panes.map(
        (p): PaneSpec => ({
          name: p.name, role: p.role, argv: p.command.argv, cwd: p.cwd, env: paneEnv(layout, p, ctx),
          ...(waitsForController(p) ? { waitFor: ctx.ipcSocket } : {}),
        }),
      ),
    })),
  };
}

/** PATH with `dir` first (and only once: `up` typed in one of our panes already has it). */
export function pathWith(dir: string, path: string | undefined): string {
  const rest = (path || '/usr/local/bin:/usr/bin:/bin').split(':').filter((p) => p !== dir);
  return [dir, ...rest].join(':');
}
