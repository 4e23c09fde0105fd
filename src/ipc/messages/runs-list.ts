import { z } from 'zod';
import { message } from './define.js';

/** A run as lists show it: where it is, without the stages' outputs (those may be large). */
const runRow = z.object({
  runId: z.string(),
  pipeline: z.string(),
  status: z.string(),
  startedAt: z.number(),
  resumes: z.number(),
  durationMs: z.number().optional(),
  reason: z.string().optional(),
  stages: z.array(z.object({ name: z.string(), outcome: z.string(), attempts: z.number(), durationMs: z.number().optional() })),
});
export type RunRow = z.infer<typeof runRow>;

export const runsList = message({
  name: 'runs.list',
  describe: 'the latest runs, newest last',
  request: () => z.object({ limit: z.number().int().positive().max(1000).optional() }).strict(),
  reply: () => z.array(runRow),
});
