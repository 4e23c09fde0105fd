import { MiyabiError } from '../core/errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `--since 1h` (ms, s, m, h, d, w) or an ISO date → epoch ms. */
export function parseSince(text: string, now = Date.now()): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (m) return now - Math.round(Number(m[1]) * (UNITS[m[2] as string] as number));
  const t = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim()) && Number.isFinite(t)) return t;
  throw new MiyabiError('USAGE', `--since ${JSON.stringify(text)}: expected a duration such as 30m, 1h, 7d, or a date such as 2026-01-31`);
}
