import { z } from 'zod';
import { message } from './define.js';

/** A rule as `miyabi triggers` shows it. */
export const triggerRow = z.object({
  name: z.string(),
  origin: z.enum(['project', 'default']),
  enabled: z.boolean(),
  kind: z.enum(['event', 'schedule', 'condition']),
  /** The event type, the schedule or the condition, as written. */
  when: z.string(),
  /** The pipeline or the skill chain it starts. */
  starts: z.string(),
  count: z.number(),
  lastFiredAt: z.number().optional(),
  lastRunId: z.string().optional(),
  nextAt: z.number().optional(),
  /** A condition's last reading, or why there is none. */
  value: z.number().optional(),
  error: z.string().optional(),
  needs: z.array(z.string()),
});
export type TriggerRow = z.infer<typeof triggerRow>;

export const triggersList = message({
  name: 'triggers.list',
  describe: 'every trigger rule with its last and next firing and its activation count',
  request: () => z.object({}).strict().optional(),
  reply: () => z.object({ rules: z.array(triggerRow), files: z.array(z.string()), problem: z.string().optional() }),
});
