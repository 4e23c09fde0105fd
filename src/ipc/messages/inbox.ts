import { z } from 'zod';
import { message } from './define.js';
import { messageWait } from './message-wait.js';

export const inbox = message({
  name: 'inbox',
  describe: 'why queued messages are still waiting, and how recently finished ones ended, by id',
  request: () => z.object({}).strict(),
  reply: () => z.object({ waiting: z.record(z.string(), z.string()), outcomes: z.record(z.string(), messageWait.reply), recipients: z.array(z.string()) }),
});
