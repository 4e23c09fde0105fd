import type { JournalHealthReply } from '../ipc/messages/ping.js';
import type { PaneStatus, StatusResult } from '../ipc/protocol.js';
import type { PaneInfo } from '../tmux/port.js';

export interface StatusFacts {
  session: string;
  tmuxSocket: string;
  root: string;
  layout: string;
  startedAt: number;
  ipcPath: string;
  /** Each pane's command as the layout wrote it (tmux shows only the launch script). */
  commands: Record<string, string>;
  journal: JournalHealthReply;
}

/** What `miyabi status` shows: the session, this controller, and every pane. */
export function statusOf(f: StatusFacts, panes: PaneInfo[]): StatusResult {
  return {
    session: f.session,
    tmuxSocket: f.tmuxSocket,
    root: f.root,
    layout: f.layout,
    controller: {
      pid: process.pid,
      startedAt: new Date(f.startedAt).toISOString(),
      uptimeMs: Date.now() - f.startedAt,
      ipcPath: f.ipcPath,
      journal: f.journal,
    },
    panes: panes.map((pi): PaneStatus => ({
      name: pi.agent,
      role: pi.role,
      paneId: pi.paneId,
      window: pi.windowName,
      pid: pi.pid,
      command: f.commands[pi.agent] ?? pi.startCommand,
      currentCommand: pi.currentCommand,
      cwd: pi.currentPath,
      alive: !pi.dead,
      deadStatus: pi.deadStatus,
    })),
  };
}
