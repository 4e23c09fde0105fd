import { z } from 'zod';
import { agentRow } from './agents.js';
import { message } from './define.js';

export const spawn = message({
  name: 'spawn',
  describe: 'start an agent in a new pane, in a worktree of its own',
  request: () => z
    .object({ name: z.string(), command: z.string().min(1).optional(), worktree: z.boolean().optional(), base: z.string().min(1).optional(), reuse: z.boolean().optional() })
    .strict(),
  reply: () => agentRow,
});
