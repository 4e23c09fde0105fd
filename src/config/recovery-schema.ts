/**
 * `recovery:` at the top of a layout: the ladder's limits per level, the healthy period that
 * resets them, the L4 hook, the nudge for a silent agent, and the panes never to restart.
 * Every field is optional; src/recovery/policy.ts has the defaults and why they are what they are.
 */
import { z } from 'zod';
import { strictObject } from './zod-issues.js';

const ms = z.number().int().min(0);
const levelSchema = strictObject(
  {
    limit: z.number().int().min(1).max(100).optional(),
    window_ms: z.number().int().min(1).optional(),
    backoff_ms: ms.optional(),
    max_backoff_ms: ms.optional(),
  },
  {},
);

export const recoverySchema = strictObject(
  {
    enabled: z.boolean().optional(),
    /** L4: a command run (by /bin/sh -c, in the project root) before L3 is tried again. */
    hook: z.string().min(1).optional(),
    hook_timeout_ms: z.number().int().min(1).optional(),
    healthy_ms: ms.optional(),
    /** A tmux key name (`Enter`, `C-c`) or `text:<words>` typed into a silent agent before it is restarted. */
    nudge: z.string().min(1).optional(),
    nudge_wait_ms: ms.optional(),
    /** Silence (no output, no heartbeat) after which an agent is checked; else its state profile's. */
    unresponsive_ms: z.number().int().min(1).optional(),
    /** Pane names only ever reported, never restarted. */
    never: z.array(z.string().min(1)).optional(),
    pane: levelSchema.optional(),
    session: levelSchema.optional(),
    full: levelSchema.optional(),
    infra: levelSchema.optional(),
  },
  {},
);

export type RecoveryFile = z.output<typeof recoverySchema>;

export interface LevelSettings {
  limit?: number;
  windowMs?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** The normalized `recovery:` of a layout (SessionLayout.recovery). */
export interface RecoveryConfig {
  enabled?: boolean;
  hook?: string;
  hookTimeoutMs?: number;
  healthyMs?: number;
  nudge?: string;
  nudgeWaitMs?: number;
  unresponsiveMs?: number;
  never?: string[];
  levels?: Partial<Record<1 | 2 | 3 | 4, LevelSettings>>;
}

function level(l: z.output<typeof levelSchema> | undefined): LevelSettings | undefined {
  if (!l) return undefined;
  const o: LevelSettings = {};
  if (l.limit !== undefined) o.limit = l.limit;
  if (l.window_ms !== undefined) o.windowMs = l.window_ms;
  if (l.backoff_ms !== undefined) o.backoffMs = l.backoff_ms;
  if (l.max_backoff_ms !== undefined) o.maxBackoffMs = l.max_backoff_ms;
  return o;
}

export function normalizeRecovery(f: RecoveryFile): RecoveryConfig {
  const levels: Partial<Record<1 | 2 | 3 | 4, LevelSettings>> = {};
  for (const [k, n] of [['pane', 1], ['session', 2], ['full', 3], ['infra', 4]] as const) {
    const l = level(f[k]);
    if (l) levels[n] = l;
  }
  const o: RecoveryConfig = { levels };
  if (f.enabled !== undefined) o.enabled = f.enabled;
  if (f.hook !== undefined) o.hook = f.hook;
  if (f.hook_timeout_ms !== undefined) o.hookTimeoutMs = f.hook_timeout_ms;
  if (f.healthy_ms !== undefined) o.healthyMs = f.healthy_ms;
  if (f.nudge !== undefined) o.nudge = f.nudge;
  if (f.nudge_wait_ms !== undefined) o.nudgeWaitMs = f.nudge_wait_ms;
  if (f.unresponsive_ms !== undefined) o.unresponsiveMs = f.unresponsive_ms;
  if (f.never !== undefined) o.never = f.never;
  return o;
}
