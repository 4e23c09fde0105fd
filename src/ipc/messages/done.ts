import { z } from 'zod';
import { message } from './define.js';
import { taskReply } from './task.js';

export const done = message({
  name: 'done',
  describe: "an agent's task is finished (or failed, with a reason)",
  request: () => z.object({ agent: z.string().optional(), id: z.string().optional(), fail: z.string().optional() }).strict(),
  reply: () => taskReply,
});
