import { z } from 'zod';
import { message } from './define.js';
import { taskReply } from './task.js';

export const taskList = message({
  name: 'task.list',
  describe: 'every task with its state',
  request: () => z.object({}).strict(),
  reply: () => z.array(taskReply),
});
