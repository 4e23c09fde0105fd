import { z } from 'zod';
import { message } from './define.js';

export const runStart = message({
  name: 'run.start',
  describe: 'start a pipeline run (or queue or skip it, by its concurrency)',
  request: () => z
    .object({
      pipeline: z.string().min(1),
      vars: z.record(z.string(), z.string()).optional(),
      runId: z.string().min(1).optional(),
      event: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
  reply: () => z.object({
    runId: z.string(),
    status: z.enum(['started', 'queued', 'skipped']),
    /** Runs of the same pipeline that made it wait, be skipped or be cancelled. */
    others: z.array(z.string()),
  }),
});
