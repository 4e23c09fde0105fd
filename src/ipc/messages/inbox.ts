import { z } from 'zod';
import { message } from './define.js';

export const inbox = message({
  name: 'inbox',
  describe: 'why queued messages are still waiting, by id',
  request: z.object({}).strict(),
  reply: z.object({ waiting: z.record(z.string(), z.string()), recipients: z.array(z.string()) }),
});
