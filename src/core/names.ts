/**
 * Names that reach tmux (session, window, agent names) must match a strict pattern: tmux expands
 * `#{…}` and runs `#(…)` in names, rewrites `.` and `:`, and matches `-t name` by prefix
 * (RELIABILITY.md, hazards 8 and 9). Nothing that fails this check is ever passed to tmux.
 */
export const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
export const NAME_PATTERN_TEXT = 'a lowercase letter, then up to 31 of a-z 0-9 _ - (e.g. "agent-1")';

/** Returns why `value` is not a valid name, or null when it is. */
export function nameProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `expected a string, got ${value === null ? 'null' : typeof value}`;
  if (value.length === 0) return 'is empty';
  if (value.length > 32) return `is ${value.length} characters long (at most 32)`;
  if (NAME_PATTERN.test(value)) return null;
  const bad = [...value].find((c) => !/[a-z0-9_-]/.test(c));
  if (bad !== undefined) return `contains ${JSON.stringify(bad)}; allowed: ${NAME_PATTERN_TEXT}`;
  return `must start with a lowercase letter; allowed: ${NAME_PATTERN_TEXT}`;
}

/** Turns a folder name into a valid default session name ("My Repo.git" → "my-repo-git"). */
export function sanitizeName(raw: string, fallback = 'miyabi'): string {
  let s = raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  s = s.slice(0, 32).replace(/-+$/, '');
  return s.length > 0 ? s : fallback;
}
