/**
 * The activation engine (src/triggers): events it took in, each firing with its cause and latency,
 * and what it skipped or refused. Feedback reads `trigger.fired` for activations and latency.
 */
import { z } from 'zod';
import { lazily } from '../lazy.js';

const rule = z.string().min(1);
const CAUSES = ['event', 'schedule', 'missed', 'condition'] as const;

export const TRIGGER_EVENTS = lazily({
  /** An event taken off the bus (`miyabi emit`, git hooks, the webhook …), before any rule saw it. */
  'event.received': () => z.object({ id: z.string().min(1), type: z.string().min(1), source: z.string(), data: z.record(z.string(), z.unknown()) }),
  /** An event file that is not one: moved to the events' quarantine/ with a reason. */
  'event.quarantined': () => z.object({ name: z.string(), reason: z.string(), movedTo: z.string().nullable() }),
  'trigger.fired': () => z.object({
    rule, cause: z.enum(CAUSES),
    /** From the event's own time, the due time, or the crossing moment to the run's start. */
    latencyMs: z.number(),
    runId: z.string(), pipeline: z.string(), status: z.string(),
    vars: z.record(z.string(), z.string()),
    eventId: z.string().optional(), eventType: z.string().optional(),
    due: z.number().optional(), dedupe: z.string().optional(), value: z.number().optional(),
  }),
  /** A firing that did not start a run: debounced away, cooling down, a duplicate, overlap: skip, missed: skip. */
  'trigger.skipped': () => z.object({
    rule, cause: z.enum(CAUSES), reason: z.string(),
    eventId: z.string().optional(), due: z.number().optional(), dedupe: z.string().optional(), count: z.number().int().optional(),
  }),
  /** Refused input (a bad webhook signature) or a firing whose run could not start. */
  'trigger.refused': () => z.object({ rule: z.string().optional(), source: z.string(), reason: z.string() }),
});
