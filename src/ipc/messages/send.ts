import { z } from 'zod';
import { message } from './define.js';

export const send = message({
  name: 'send',
  describe: 'put a message on the bus (for the conductor and dashboard, which speak only IPC)',
  request: () => z
    .object({
      to: z.string(),
      text: z.string(),
      from: z.string().default('conductor'),
      priority: z.enum(['high', 'normal', 'low']).default('normal'),
    })
    .strict(),
  reply: () => z.object({ id: z.string() }),
});
