import { z } from 'zod';
import { message } from './define.js';

/** The journal's health (core/journal-healing.ts): what `status`, `doctor` and `inbox` show when writes fail. */
export const journalHealth = z.object({
  state: z.enum(['ok', 'degraded', 'wedged']),
  file: z.string().optional(),
  error: z.string().optional(),
  errno: z.string().optional(),
  since: z.string().optional(),
  held: z.number(),
  failures: z.number().optional(),
});

export type JournalHealthReply = z.infer<typeof journalHealth>;

export const ping = message({
  name: 'ping',
  describe: 'liveness, pid, and the journal health',
  request: () => z.object({}).strict(),
  reply: () => z.object({ pid: z.number(), session: z.string(), journal: journalHealth.optional() }),
});
