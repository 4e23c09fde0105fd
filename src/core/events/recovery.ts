/**
 * The recovery ladder (src/recovery, controller/parts/recovery.ts). Every record carries the
 * contract fields the other slices read by type: agent, level (1 pane, 2 session, 3 full,
 * 4 infrastructure), reason, durationMs. All are appended durably: after a crash, the next
 * controller rebuilds each agent's place on the ladder from them.
 */
import { z } from 'zod';
import { lazily } from '../lazy.js';

const agent = z.string().min(1);
const level = z.number().int().min(1).max(4);
const base = { agent, level, reason: z.string(), durationMs: z.number().min(0) };

export const RECOVERY_EVENTS = lazily({
  'recovery.detected': () => z.object({ ...base, paneId: z.string().optional(), deadStatus: z.number().int().nullable().optional() }),
  'recovery.attempt': () => z.object({ ...base, attempt: z.number().int().min(1), delayMs: z.number().min(0), by: z.enum(['ladder', 'user', 'pipeline']).optional() }),
  'recovery.succeeded': () => z.object({ ...base, paneId: z.string().optional(), pid: z.number().int().optional() }),
  /** `level` is the level climbed to, `from` the one whose limit was spent. */
  'recovery.escalated': () => z.object({ ...base, from: z.number().int().min(1).max(4) }),
  'recovery.gave-up': () => z.object(base),
  /** An agent counted healthy again: its counters start over. */
  'recovery.reset': () => z.object({ agent, healthyMs: z.number().min(0) }),
  /** A silent agent was nudged before anything is restarted. */
  'recovery.nudged': () => z.object({ agent, with: z.string(), silentMs: z.number().min(0) }),
  /** Not restarted on purpose (waiting for a person, rate-limited, never-restart): said once per episode. */
  'recovery.reported': () => z.object({ agent, state: z.string(), reason: z.string() }),
  /** Which conversation a (re)started AI agent runs: its CLI's session id, new or resumed, or fresh. */
  'recovery.conversation': () => z.object({ agent, cli: z.string(), mode: z.enum(['new', 'resume', 'fresh', 'learned']), sessionId: z.string().nullable(), reason: z.string().optional() }),
  /** The L4 hook ran (its exit code, or why it could not). */
  'recovery.hook': () => z.object({ agent, command: z.string(), exitCode: z.number().int().nullable(), error: z.string().optional(), durationMs: z.number().min(0) }),
});
