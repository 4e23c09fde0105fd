import { z } from 'zod';
import { message } from './define.js';
import { taskReply } from './task.js';

export const assign = message({
  name: 'assign',
  describe: 'hand a task to an agent now',
  request: () => z.object({ agent: z.string(), id: z.string() }).strict(),
  reply: () => taskReply,
});
