import { z } from 'zod';
import { message } from './define.js';

export const kill = message({
  name: 'kill',
  describe: 'stop an agent; --clean also removes its worktree (refused when it holds work, unless forced)',
  request: () => z.object({ name: z.string(), clean: z.boolean().optional(), force: z.boolean().optional() }).strict(),
  reply: () => z.object({ killed: z.boolean(), worktreeRemoved: z.boolean(), archive: z.string().nullable() }),
});
