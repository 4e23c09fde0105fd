import { z } from 'zod';
import { message } from './define.js';

export const usage = message({
  name: 'usage',
  describe: "an agent's hook named its transcript: count the new turns' tokens (cache included) and the cost ESTIMATE",
  request: () => z.object({ agent: z.string().min(1), transcript: z.string().min(1).max(4096) }).strict(),
  reply: () => z.object({
    turns: z.number(), input: z.number(), output: z.number(), cacheCreation: z.number(), cacheRead: z.number(), costUsd: z.number().nullable(),
  }),
});
