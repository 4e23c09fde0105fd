import { z } from 'zod';
import { message } from './define.js';

export const REPORT_KIND_NAMES = ['summary', 'daily', 'monthly', 'errors', 'success'] as const;

export const report = message({
  name: 'report',
  describe: 'a report of the metrics (feedback/report.ts), over all records or from a time on',
  request: () => z.object({
    kind: z.enum(REPORT_KIND_NAMES).optional(),
    /** Epoch ms: only records from then on are counted. */
    from: z.number().nonnegative().optional(),
  }).strict(),
  // The report's shape is feedback/report.ts's Report; the protocol carries it as it is.
  reply: () => z.record(z.string(), z.unknown()),
});
