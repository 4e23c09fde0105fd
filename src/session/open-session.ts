import type { SessionLayout } from '../config/layout-types.js';
import { MiyabiError } from '../core/errors.js';
import type { EventSink } from '../core/events/index.js';
import type { ProjectPaths } from '../core/paths.js';
import type { PaneInfo, TmuxPort } from '../tmux/port.js';
import { paneCommandText, sessionSpec } from '../agents/session-spec.js';
import type { Handover } from './handover.js';
import { miyabiBinDir } from './miyabi-shim.js';
import type { Built } from './prepare.js';

export interface BuildInput {
  tmux: TmuxPort;
  layout: SessionLayout;
  paths: ProjectPaths;
  env: NodeJS.ProcessEnv;
  /** The `miyabi` the panes' shim and the agents' hooks run. */
  miyabiBin: string;
}

/** Prepares the layout (session/prepare.ts) and builds its session with one chained tmux command. */
export async function buildSession(o: BuildInput): Promise<{ panes: PaneInfo[]; built: Built; ms: number }> {
  // Loaded when a session is built, not when `up`'s is taken over: a controller's start is `up`'s path.
  const { prepareSession } = await import('./prepare.js');
  const { layout, built } = await prepareSession(o.layout, { paths: o.paths, miyabiBin: o.miyabiBin });
  const spec = sessionSpec(layout, { root: o.paths.root, tmuxSocket: o.tmux.socketName, ipcSocket: o.paths.socket, baseEnv: o.env, binDir: miyabiBinDir(o.paths) }, o.paths.launch);
  const started = performance.now();
  const panes = await o.tmux.createSession(spec);
  return { panes, built, ms: Math.round((performance.now() - started) * 10) / 10 };
}

/** Each pane's command as the layout wrote it (tmux shows only the launch script). */
export function layoutCommands(layout: SessionLayout, into: Record<string, string> = {}): Record<string, string> {
  for (const w of layout.windows) for (const lp of w.panes) into[lp.name] = paneCommandText(lp);
  return into;
}

export interface OpenSessionInput extends BuildInput {
  journal: EventSink;
  /** Commands as the last controller knew them (from the snapshot), for an adopted session. */
  commands: Record<string, string>;
  /** The session `miyabi up` just built for this controller (session/handover.ts), if it did. */
  handover?: Handover | null;
}

export interface OpenedSession {
  panes: PaneInfo[];
  commands: Record<string, string>;
  /** Built by this start (or by the `up` that started it), not adopted. */
  created: boolean;
  built?: Built;
}

/**
 * Takes the session `up` just built for this controller, adopts the project's live session (its
 * panes are kept, nothing is created), or builds it from the layout. A session of that name that another project or
 * program owns is never touched.
 */
export async function openSession(o: OpenSessionInput): Promise<OpenedSession> {
  const t = o.tmux;
  const name = o.layout.session;
  const h = o.handover;
  if (h && h.session === name) {
    // Told by our own `up` over our own channel a moment ago: no tmux asked again (it is `up`'s path).
    o.journal.append('session.created', { session: name, layout: o.layout.source, ms: h.ms, panes: h.panes.map(brief), by: 'up', ...(h.upMs ? { upMs: h.upMs } : {}) });
    return { panes: h.panes, commands: layoutCommands(o.layout, { ...o.commands }), created: true, built: h.built };
  }
  if (await t.hasSession(name)) {
    const owner = await t.sessionOption(name, '@miyabi_root');
    if (owner !== o.paths.root) {
      throw new MiyabiError('CONTROLLER_START', `tmux session "${name}" on -L ${t.socketName} belongs to ${owner ?? 'another program'}`, {
        hint: 'give this project another session name (`session:` in a layout), or use --socket',
      });
    }
    const panes = await t.listPanes(name);
    const commands = { ...o.commands };
    for (const [k, v] of Object.entries(layoutCommands(o.layout))) commands[k] ??= v;
    o.journal.append('session.adopted', { session: name, panes: panes.map(brief) });
    return { panes, commands, created: false };
  }
  const { panes, built, ms } = await buildSession(o);
  o.journal.append('session.created', { session: name, layout: o.layout.source, ms, panes: panes.map(brief), by: 'controller' });
  return { panes, commands: layoutCommands(o.layout, { ...o.commands }), created: true, built };
}

export function brief(p: PaneInfo): { name: string; role: string; paneId: string; pid: number } {
  return { name: p.agent, role: p.role, paneId: p.paneId, pid: p.pid };
}
