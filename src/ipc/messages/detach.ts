import { z } from 'zod';
import { message } from './define.js';

/**
 * The dashboard's and conductor's `q` inside the session: the person leaves (their tmux client
 * detaches) while the pane keeps running, so quitting never leaves a dead pane behind.
 */
export const detach = message({
  name: 'detach',
  describe: 'detach the tmux clients attached to the session (the session and its panes keep running)',
  request: () => z.object({}).strict(),
  reply: () => z.object({ detached: z.boolean() }),
});
