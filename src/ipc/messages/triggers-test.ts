import { z } from 'zod';
import { message } from './define.js';

export const triggersTest = message({
  name: 'triggers.test',
  describe: 'a dry run: which rules an event would fire, with what variables (starts nothing)',
  request: () => z.object({ type: z.string().min(1), data: z.record(z.string(), z.unknown()).optional() }).strict(),
  reply: () => z.object({
    matches: z.array(z.object({ rule: z.string(), enabled: z.boolean(), starts: z.string(), vars: z.record(z.string(), z.string()), wouldFire: z.boolean(), why: z.string().optional() })),
  }),
});
