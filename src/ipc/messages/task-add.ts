import { z } from 'zod';
import { message } from './define.js';
import { taskReply } from './task.js';

export const taskAdd = message({
  name: 'task.add',
  describe: 'queue a task for the next idle agent (or the one named)',
  request: () => z
    .object({ text: z.string(), agent: z.string().optional(), priority: z.string().optional(), labels: z.array(z.string()).optional(), timeout: z.string().optional() })
    .strict(),
  reply: () => taskReply,
});
