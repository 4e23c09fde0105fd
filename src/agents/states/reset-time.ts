/**
 * Reset times of usage limits, as agent CLIs print them: a clock time (`resets 3pm`,
 * `try again at 3:45 PM`, `15:30`) or a duration (`try again in 2 hours 5 minutes`, `35.2s`).
 * Clock times are read in the local time zone of the process (a `(Europe/Berlin)` after them is
 * not applied).
 */

const UNIT_MS: Record<string, number> = {
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
};

/** `2 hours 5 minutes`, `1h30m`, `35.2s`, `90 seconds` → milliseconds; null when none is found. */
export function parseDuration(text: string): number | null {
  const re = /(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])/gi;
  let total = 0;
  let found = false;
  for (const m of text.matchAll(re)) {
    const unit = (m[2] ?? '').toLowerCase();
    const key = unit.startsWith('mi') || unit === 'm' ? 'm' : unit.charAt(0);
    const ms = UNIT_MS[key];
    if (ms === undefined) continue;
    total += Number(m[1]) * ms;
    found = true;
  }
  return found ? Math.round(total) : null;
}

/**
 * `3pm`, `3 PM`, `3:45pm`, `15:30` → the next time (at or after `now`) the local clock shows it;
 * null when the text is not a clock time.
 */
export function parseClock(text: string, now: number): number | null {
  const m = /^\s*(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?\s*$/i.exec(text);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const meridiem = m[3]?.toLowerCase().charAt(0);
  if (meridiem === undefined && m[2] === undefined) return null; // a bare number is no time
  if (minute > 59) return null;
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === 'p' ? 12 : 0);
  } else if (hour > 23) return null;
  const d = new Date(now);
  d.setHours(hour, minute, 0, 0);
  if (d.getTime() < now) d.setDate(d.getDate() + 1);
  return d.getTime();
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * `Oct 7` (and a clock time, `1pm`; midnight without one) → the next such local time at or after
 * `now` (this year or the next); null when the text is not a month and a day.
 */
export function parseDate(date: string, clock: string | undefined, now: number): number | null {
  const m = /^\s*([a-z]{3})[a-z]*\.?\s+(\d{1,2})\s*$/i.exec(date);
  const month = MONTHS.indexOf((m?.[1] ?? '').toLowerCase());
  const day = Number(m?.[2]);
  if (!m || month < 0 || day < 1 || day > 31) return null;
  const time = clock === undefined ? 0 : parseClock(clock, new Date(2000, 0, 1).getTime());
  if (time === null) return null;
  const t = new Date(time);
  for (const year of [new Date(now).getFullYear(), new Date(now).getFullYear() + 1]) {
    const d = new Date(year, month, day, clock === undefined ? 0 : t.getHours(), clock === undefined ? 0 : t.getMinutes());
    if (d.getMonth() === month && d.getTime() >= now) return d.getTime();
  }
  return null;
}

/** The reset time from a rate-limit pattern's named groups `date` (`Oct 7`), `at` and `in`. */
export function resetFromGroups(groups: Record<string, string | undefined> | undefined, now: number): number | undefined {
  if (!groups) return undefined;
  if (groups.date !== undefined) {
    const t = parseDate(groups.date, groups.at, now);
    if (t !== null) return t;
  }
  if (groups.at !== undefined) {
    const t = parseClock(groups.at, now);
    if (t !== null) return t;
  }
  if (groups.in !== undefined) {
    const ms = parseDuration(groups.in);
    if (ms !== null) return now + ms;
  }
  return undefined;
}
