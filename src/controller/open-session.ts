import type { SessionLayout } from '../config/layout-types.js';
import { MiyabiError } from '../core/errors.js';
import type { EventSink } from '../core/events/index.js';
import type { ProjectPaths } from '../core/paths.js';
import type { PaneInfo, TmuxPort } from '../tmux/port.js';
import { paneCommandText, sessionSpec } from '../agents/session-spec.js';
import { miyabiBinDir } from './miyabi-shim.js';

export interface OpenSessionInput {
  tmux: TmuxPort;
  layout: SessionLayout;
  paths: ProjectPaths;
  env: NodeJS.ProcessEnv;
  journal: EventSink;
  /** Commands as the last controller knew them (from the snapshot), for an adopted session. */
  commands: Record<string, string>;
  /** Runs only when a session is built, not adopted: worktrees for the layout's agents. */
  prepare?: (layout: SessionLayout) => Promise<SessionLayout>;
}

/**
 * Adopts the project's live session (its panes are kept, nothing is created), or builds it from
 * the layout. A session of that name that another project or program owns is never touched.
 */
export async function openSession(o: OpenSessionInput): Promise<{ panes: PaneInfo[]; commands: Record<string, string>; created: boolean }> {
  const t = o.tmux;
  const name = o.layout.session;
  const commands = { ...o.commands };
  if (await t.hasSession(name)) {
    const owner = await t.sessionOption(name, '@miyabi_root');
    if (owner !== o.paths.root) {
      throw new MiyabiError('CONTROLLER_START', `tmux session "${name}" on -L ${t.socketName} belongs to ${owner ?? 'another program'}`, {
        hint: 'give this project another session name (`session:` in a layout), or use --socket',
      });
    }
    const panes = await t.listPanes(name);
    for (const w of o.layout.windows) for (const lp of w.panes) commands[lp.name] ??= paneCommandText(lp);
    o.journal.append('session.adopted', { session: name, panes: panes.map(brief) });
    return { panes, commands, created: false };
  }
  const layout = o.prepare ? await o.prepare(o.layout) : o.layout;
  const spec = sessionSpec(layout, { root: o.paths.root, tmuxSocket: t.socketName, ipcSocket: o.paths.socket, baseEnv: o.env, binDir: miyabiBinDir(o.paths) }, o.paths.launch);
  const started = performance.now();
  const panes = await t.createSession(spec);
  for (const w of o.layout.windows) for (const lp of w.panes) commands[lp.name] = paneCommandText(lp);
  o.journal.append('session.created', {
    session: name,
    layout: o.layout.source,
    ms: Math.round((performance.now() - started) * 10) / 10,
    panes: panes.map(brief),
  });
  return { panes, commands, created: true };
}

function brief(p: PaneInfo): { name: string; role: string; paneId: string; pid: number } {
  return { name: p.agent, role: p.role, paneId: p.paneId, pid: p.pid };
}
