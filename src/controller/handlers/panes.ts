import { MiyabiError } from '../../core/errors.js';
import type { Impls } from '../../ipc/handlers.js';
import type { TmuxPort } from '../../tmux/port.js';
import type { AgentsHost } from '../../agents/agents-host.js';
import { worktreeDiff } from '../../git/diff-stat.js';

export type PaneMessages = 'focus' | 'detach' | 'diff';

/**
 * The people's panes asking tmux for what a person sees: bring a pane to the front (the
 * dashboard's Enter) and detach (their `q` inside the session). Only panes of this session.
 */
export function paneHandlers(c: { tmux: TmuxPort; session: string; root: string; agents: Pick<AgentsHost, 'list'> }): Pick<Impls, PaneMessages> {
  return {
    // The dashboard's +/− column and diff panel; git runs here, off the dashboard's render path.
    diff: async (req) => {
      const a = (await c.agents.list()).find((x) => x.name === req.agent);
      if (!a) throw new MiyabiError('NOT_FOUND', `no agent ${req.agent}`, { hint: 'miyabi agents lists them' });
      return { agent: a.name, ...(await worktreeDiff(c.root, a.worktree ?? a.cwd, { patch: req.patch })) };
    },
    focus: async (req) => {
      const panes = await c.tmux.listPanes(c.session);
      const p = panes.find((x) => x.paneId === req.paneId);
      if (!p) throw new MiyabiError('NOT_FOUND', `no pane ${req.paneId} in session ${c.session}`, { hint: 'miyabi status lists the panes' });
      const pane = c.tmux.pane(req.paneId);
      await pane.run('select-window');
      await pane.run('select-pane');
      const [flag] = await pane.run('display-message', ['-p', '#{window_zoomed_flag}']);
      let zoomed = flag?.trim() === '1';
      // resize-pane -Z toggles: only when the zoom is not already as asked.
      if (req.zoom !== zoomed) {
        await pane.run('resize-pane', ['-Z']);
        zoomed = req.zoom;
      }
      return { paneId: req.paneId, window: p.windowName, zoomed };
    },
    detach: async () => {
      // The controller's own control-mode client is attached too: it stays.
      const lines = await c.tmux.run('list-clients', ['-t', c.session, '-F', '#{client_control_mode} #{client_name}']);
      const people = lines.map((l) => l.trim()).filter((l) => l.startsWith('0 ')).map((l) => l.slice(2));
      for (const name of people) await c.tmux.run('detach-client', ['-t', name]).catch(() => undefined);
      return { detached: people.length > 0 };
    },
  };
}
