import { z } from 'zod';
import { message } from './define.js';

export const ping = message({
  name: 'ping',
  describe: 'liveness and pid',
  request: z.object({}).strict(),
  reply: z.object({ pid: z.number(), session: z.string() }),
});
