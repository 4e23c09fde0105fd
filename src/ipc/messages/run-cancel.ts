import { z } from 'zod';
import { message } from './define.js';

export const runCancel = message({
  name: 'run.cancel',
  describe: 'cancel a run: its commands are killed, it ends cancelled',
  request: () => z.object({ runId: z.string().min(1), reason: z.string().optional() }).strict(),
  reply: () => z.object({ status: z.string() }),
});
