import { z } from 'zod';
import { message } from './define.js';

export const subscribe = message({
  name: 'subscribe',
  describe: 'stream journal events on this connection',
  request: z.object({ fromSeq: z.number().int().nonnegative().optional() }).strict(),
  reply: z.object({ subscribed: z.literal(true) }),
});
