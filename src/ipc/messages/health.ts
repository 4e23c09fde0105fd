import { z } from 'zod';
import { message } from './define.js';

export const healthRow = z.object({
  name: z.string(),
  role: z.string(),
  paneId: z.string().nullable(),
  alive: z.boolean(),
  state: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
  lastOutputAt: z.string().nullable(),
  /** The ladder level the next failure is handled at, or null once given up. */
  level: z.number().int().nullable(),
  /** Restarts per level inside its window: { "1": 2, "2": 0, … }. */
  restarts: z.record(z.string(), z.number().int()),
  /** What happens at the next failure, in words ("L1 in 2 s", "escalate to L2", "give up"). */
  next: z.string(),
  failed: z.string().nullable(),
  never: z.boolean(),
  conversation: z.string().nullable(),
});
export type HealthRow = z.output<typeof healthRow>;

export const health = message({
  name: 'health',
  describe: "each pane's last heartbeat, state, restarts per level and next escalation",
  request: () => z.object({}).strict().optional(),
  reply: () => z.object({ supervised: z.boolean(), agents: z.array(healthRow) }),
});
