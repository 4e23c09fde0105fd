import { z } from 'zod';
import { message } from './define.js';

export const runResume = message({
  name: 'run.resume',
  describe: 'resume an interrupted run from its last finished stage',
  request: () => z.object({ runId: z.string().min(1) }).strict(),
  reply: () => z.object({ runId: z.string(), status: z.enum(['resumed', 'queued', 'ended']) }),
});
