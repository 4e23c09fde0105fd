/**
 * The feedback layer (src/feedback/): figures set from outside, notifications sent or failed, and
 * token usage read from an agent CLI's transcript. Costs in records are ESTIMATES from the
 * user's price table at the time, never a bill.
 */
import { z } from 'zod';
import { lazily } from '../lazy.js';

/** A metric name as conditions and `miyabi metric set` write it: `ctr`, `content.ctr`. */
export const METRIC_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

export const FEEDBACK_EVENTS = lazily({
  'metric.set': () => z.object({ name: z.string().regex(METRIC_NAME), value: z.number().finite(), by: z.string() }),
  /** `text` is what the person was told (the conductor prints it); absent in older records. */
  'notify.sent': () => z.object({ channel: z.string(), event: z.string(), key: z.string(), attempts: z.number().int(), text: z.string().optional() }),
  'notify.failed': () => z.object({ channel: z.string(), event: z.string(), key: z.string(), attempts: z.number().int(), error: z.string(), text: z.string().optional() }),
  /** The quality loop sent a failed build/test/lint stage's error to the agent whose branch it was. */
  'quality.reported': () => z.object({ runId: z.string(), stage: z.string(), agent: z.string(), messageId: z.string().nullable(), error: z.string().optional() }),
  'usage.recorded': () => z.object({
    agent: z.string().min(1),
    task: z.string().nullable(),
    runId: z.string().nullable(),
    model: z.string(),
    input: z.number().int().nonnegative(),
    output: z.number().int().nonnegative(),
    cacheCreation: z.number().int().nonnegative(),
    cacheRead: z.number().int().nonnegative(),
    /** Tokens in the context at the last turn (input + both cache counts of that turn). */
    contextTokens: z.number().int().nonnegative(),
    window: z.number().int().positive(),
    /** An ESTIMATE from the price table; null when the model has no price there. */
    costUsd: z.number().nonnegative().nullable(),
    /** The transcript read, and how far (bytes), so a restart does not count a turn twice. */
    transcript: z.string(),
    offset: z.number().int().nonnegative(),
  }),
});
