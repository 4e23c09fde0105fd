import { z } from 'zod';
import { message } from './define.js';

/** One series of the feedback layer's metrics (feedback/series.ts). */
export const seriesSchema = z.object({
  name: z.string(),
  help: z.string(),
  kind: z.enum(['counter', 'gauge']),
  labels: z.record(z.string(), z.string()),
  value: z.number(),
});

export const metrics = message({
  name: 'metrics',
  describe: 'every metric the controller keeps from the journal, as series',
  request: () => z.object({}).strict().optional(),
  reply: () => z.array(seriesSchema),
});
