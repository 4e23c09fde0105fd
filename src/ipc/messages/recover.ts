import { z } from 'zod';
import { message } from './define.js';

/** One step of the recovery ladder by hand, at the level asked (default: where the agent stands). */
export const recover = message({
  name: 'recover',
  describe: 'recover an agent through the ladder (1 pane, 2 session, 3 full, 4 infrastructure)',
  request: () => z.object({ name: z.string().min(1), level: z.number().int().min(1).max(4).optional() }).strict(),
  reply: () => z.object({ name: z.string(), level: z.number().int(), outcome: z.string(), durationMs: z.number() }),
});
