/**
 * Task ids: `t<ms, 13 digits>-<seq, 4 digits>`, e.g. `t1760000000123-0000`.
 *
 * Fixed width, so byte order is age order (time, then sequence). Only [a-z0-9-] and at most 32
 * characters: a valid miyabi name, safe in a tmux target, a path and a branch name
 * (`miyabi/<agent>/<task>`). Ids are strictly increasing from the last one the queue knows, even
 * when the clock steps back: the time part is max(now, last time), the sequence goes up within one
 * millisecond and carries into the next millisecond past 9999.
 */
export const TASK_ID_PATTERN = /^t(\d{13})-(\d{4})$/;
const MAX_MS = 9_999_999_999_999;

export function parseTaskId(id: string): { ms: number; seq: number } | null {
  const m = TASK_ID_PATTERN.exec(id);
  return m === null ? null : { ms: Number(m[1]), seq: Number(m[2]) };
}

export function formatTaskId(ms: number, seq: number): string {
  return `t${String(ms).padStart(13, '0')}-${String(seq).padStart(4, '0')}`;
}

/** The id after `lastId` (null: none yet) at time `now` (ms). Pure. */
export function nextTaskId(lastId: string | null, now: number): string {
  const t = Math.min(MAX_MS, Math.max(0, Math.floor(Number.isFinite(now) ? now : 0)));
  const last = lastId === null ? null : parseTaskId(lastId);
  if (last === null || t > last.ms) return formatTaskId(t, 0);
  if (last.seq < 9999) return formatTaskId(last.ms, last.seq + 1);
  return formatTaskId(last.ms + 1, 0);
}
