import { z } from 'zod';
import { message } from './define.js';

export const subscribe = message({
  name: 'subscribe',
  describe: 'stream journal events on this connection; with fromSeq, first every record after it',
  request: () => z.object({ fromSeq: z.number().int().nonnegative().optional() }).strict(),
  // afterSeq: every record with a greater seq comes on the stream (null: the server keeps no journal).
  reply: () => z.object({ subscribed: z.literal(true), afterSeq: z.number().int().nullable() }),
});
