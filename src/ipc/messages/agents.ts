import { z } from 'zod';
import { message } from './define.js';

/** An agent pane as `miyabi agents` lists it. */
export const agentRow = z.object({
  name: z.string(),
  paneId: z.string(),
  pid: z.number(),
  alive: z.boolean(),
  command: z.string(),
  cwd: z.string(),
  worktree: z.string().nullable(),
  branch: z.string().nullable(),
  spawned: z.boolean(),
});
export type AgentRow = z.infer<typeof agentRow>;

export const agents = message({
  name: 'agents',
  describe: 'the agents, with state (and the signal that decided it), pane, worktree and branch',
  request: () => z.object({}).strict(),
  reply: () => z.array(agentRow.extend({ state: z.string(), signal: z.string().nullable(), reason: z.string().nullable() })),
});
