import { z } from 'zod';
import { message } from './define.js';

export const down = message({
  name: 'down',
  describe: 'end the session and stop the controller',
  request: () => z.object({}).strict(),
  reply: () => z.object({ stopping: z.literal(true), pid: z.number() }),
});
