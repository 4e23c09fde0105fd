/**
 * The project's feedback settings, `feedback.yaml` at the project root (beside layouts/ and
 * pipelines/), every key optional:
 *
 *   notify:
 *     routes:                      # which channels each kind of change goes to
 *       agent.waiting: [tmux, desktop]
 *       agent.dead: [tmux, webhook]
 *       run.failed: [webhook, command]
 *       run.escalated: [tmux]
 *       condition.fired: [tmux]
 *     quiet_hours: "22:00-07:00"   # local time; nothing is sent then
 *     dedupe: 10m                  # the same change about the same thing: once per window
 *     webhook: { url: "https://hooks.slack.com/…", retries: 3, backoff: 1s, timeout: 5s }
 *     command: ["notify-me"]        # or a string for sh -c; gets MIYABI_NOTIFY_* in its environment
 *   budgets:                       # per agent; shares become metrics a condition can watch
 *     a1: { cost_usd: 5, tokens: 2000000 }
 *   probes:                        # outside figures: a command printing one number, run every so often
 *     ctr: { command: "curl -s https://…/ctr", every: 10m }
 *   prices: prices.json            # the price table (default: miyabi's data/prices.json), an ESTIMATE
 *   metrics_port: 9464             # opt-in: /metrics and /healthz on 127.0.0.1
 */
import { z } from 'zod';
import { commandSchema } from './layout-schema.js';
import { durationSchema } from './duration-schema.js';
import { strictObject } from './zod-issues.js';
import { METRIC_NAME } from '../core/events/feedback.js';
import { lazily } from '../core/lazy.js';

export const NOTICE_KINDS = ['agent.waiting', 'agent.dead', 'run.failed', 'run.escalated', 'condition.fired'] as const;
export const CHANNELS = ['tmux', 'desktop', 'webhook', 'command'] as const;

// Built at the first feedback.yaml read: `up` checks for one on every start, and most projects have none.
const schemas = lazily({
  feedback: () =>
    strictObject({
      notify: strictObject({
        routes: z.partialRecord(z.enum(NOTICE_KINDS), z.array(z.enum(CHANNELS)).max(4)).optional(),
        quiet_hours: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM-HH:MM in local time, e.g. "22:00-07:00"').optional(),
        dedupe: durationSchema.optional(),
        webhook: strictObject({
          url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
          retries: z.number().int().min(0).max(10).optional(),
          backoff: durationSchema.optional(),
          timeout: durationSchema.optional(),
        }).optional(),
        command: commandSchema.optional(),
      }).optional(),
      budgets: z.record(z.string(), strictObject({ cost_usd: z.number().positive().optional(), tokens: z.number().int().positive().optional() })).optional(),
      /** Outside figures: a command whose output is one number, run every so often (`every`, default 5m). */
      probes: z.record(z.string().regex(METRIC_NAME, 'a metric name: lower-case words joined by . or _ (ctr, content.ctr)'), strictObject({ command: commandSchema, every: durationSchema.optional() })).optional(),
      prices: z.string().min(1).optional(),
      metrics_port: z.number().int().min(1).max(65535).optional(),
    }),
});

export const feedbackSchema = (): typeof schemas.feedback => schemas.feedback;
export type FeedbackFile = z.output<typeof schemas.feedback>;
