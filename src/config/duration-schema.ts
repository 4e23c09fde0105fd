/**
 * Durations in the project's YAML files (pipelines, triggers, skills, feedback.yaml): seconds as a
 * number, or text with a unit (500ms, 30s, 5m, 1h). Its own module so that feedback.yaml's check
 * on `up`'s path does not load the pipeline schema (issue #17).
 */
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const MAX_DURATION_MS = 7 * 24 * 3_600_000;

/** Milliseconds from `30`, `"30s"`, `"500ms"`, `"5m"`, `"1h"`; null when it is none of these. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : null;
  if (typeof v !== 'string') return null;
  const m = DURATION.exec(v.trim());
  return m ? Math.round(Number(m[1]) * (UNITS[m[2] as string] as number)) : null;
}

export const durationSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === null || ms > MAX_DURATION_MS) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30 (seconds), "500ms", "30s", "5m" or "1h" (at most 7 days); got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});
