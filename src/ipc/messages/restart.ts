import { z } from 'zod';
import { message } from './define.js';

/** L1 by hand: the pane's process restarted in place with its command, cwd, env (any pane: agent, conductor, dashboard). */
export const restart = message({
  name: 'restart',
  describe: 'restart a pane in place (respawn-pane) with its own command, cwd, env and worktree',
  request: () => z.object({ name: z.string().min(1) }).strict(),
  reply: () => z.object({ name: z.string(), paneId: z.string(), pid: z.number().int(), durationMs: z.number() }),
});
