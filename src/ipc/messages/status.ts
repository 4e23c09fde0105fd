import { z } from 'zod';
import { message } from './define.js';
import { journalHealth } from './ping.js';

const paneStatus = z.object({
  name: z.string(),
  role: z.string(),
  paneId: z.string(),
  window: z.string(),
  pid: z.number(),
  /** The command the layout asked for, as the user would type it. */
  command: z.string(),
  /** What tmux says runs in the pane now (#{pane_current_command}). */
  currentCommand: z.string(),
  cwd: z.string(),
  alive: z.boolean(),
  deadStatus: z.number().nullable(),
});

const statusResult = z.object({
  session: z.string(),
  tmuxSocket: z.string(),
  root: z.string(),
  layout: z.string(),
  controller: z.object({ pid: z.number(), startedAt: z.string(), uptimeMs: z.number(), ipcPath: z.string(), journal: journalHealth.optional() }),
  panes: z.array(paneStatus),
});

export type PaneStatus = z.infer<typeof paneStatus>;
export type StatusResult = z.infer<typeof statusResult>;

export const status = message({
  name: 'status',
  describe: 'session, controller and panes',
  request: () => z.object({}).strict(),
  reply: () => statusResult,
});
