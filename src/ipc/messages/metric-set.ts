import { z } from 'zod';
import { METRIC_NAME } from '../../core/events/feedback.js';
import { message } from './define.js';

export const metricSet = message({
  name: 'metric.set',
  describe: 'set an external figure (ctr 0.025), journaled so it survives restarts',
  request: () => z.object({
    name: z.string().regex(METRIC_NAME, 'a metric name: lower-case words joined by . or _ (ctr, content.ctr)'),
    value: z.number().finite(),
  }).strict(),
  reply: () => z.object({ name: z.string(), value: z.number(), seq: z.number() }),
});
