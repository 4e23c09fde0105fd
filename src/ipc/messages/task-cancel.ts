import { z } from 'zod';
import { message } from './define.js';
import { taskReply } from './task.js';

export const taskCancel = message({
  name: 'task.cancel',
  describe: 'cancel a task',
  request: () => z.object({ id: z.string() }).strict(),
  reply: () => taskReply,
});
