import { z } from 'zod';
import { message } from './define.js';

/**
 * `miyabi send --wait`: the controller answers once the message is confirmed in the pane, or
 * failed, or the time is up. `outcome` is the deliverer's word for it (submitted, queued by the
 * agent, unconfirmed, refused); null when this controller did not see it happen.
 */
export const messageWait = message({
  name: 'message.wait',
  describe: 'wait until a message is delivered or failed (send --wait)',
  request: () => z.object({ to: z.string().min(1), id: z.string().min(1), timeoutMs: z.number().int().positive().max(24 * 3600_000) }).strict(),
  reply: () => z.object({
    state: z.enum(['delivered', 'failed', 'timeout']),
    outcome: z.string().nullable(),
    reason: z.string().nullable(),
  }),
});

export type MessageWaitReply = z.infer<typeof messageWait.reply>;
