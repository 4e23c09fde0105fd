/**
 * Checks `task add` input (CLI flags or an IPC request) and says clearly what is wrong. Every
 * problem is reported at once, one per line, in a MiyabiError with code USAGE (exit code 2).
 */
import { MiyabiError } from '../../core/errors.js';
import { nameProblem } from '../../core/names.js';
import { TASK_PRIORITIES, type TaskInput, type TaskPriority } from './types.js';

export const MAX_TASK_TEXT = 64 * 1024;
export const MAX_LABELS = 16;
export const LABEL_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;
export const LABEL_PATTERN_TEXT = 'a lowercase letter or digit, then up to 31 of a-z 0-9 . _ - (e.g. "bug", "p1", "ui.login")';
/** Longest accepted timeout: 7 days. */
export const MAX_TIMEOUT_MS = 7 * 24 * 3600 * 1000;

export interface RawTaskInput {
  text?: unknown;
  agent?: unknown;
  priority?: unknown;
  /** An array, or one string with commas ("bug,ui"). */
  labels?: unknown;
  /** "30m", "1h30m", "90s", "500ms", "2d", "none"; a number is milliseconds. */
  timeout?: unknown;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/** Milliseconds for a timeout (null = none), or a problem text. */
export function parseTimeout(value: unknown): { ms: number | null } | { problem: string } {
  if (value === undefined || value === null) return { ms: null };
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value <= 0) return { problem: `timeout ${value} must be a whole number of milliseconds above 0` };
    if (value > MAX_TIMEOUT_MS) return { problem: `timeout ${value} ms is longer than the limit of 7 days` };
    return { ms: value };
  }
  if (typeof value !== 'string') return { problem: `timeout must be a duration such as "30m", got ${typeof value}` };
  const s = value.trim().toLowerCase();
  if (s === 'none' || s === 'off') return { ms: null };
  const shown = JSON.stringify(value);
  if (/^\d+$/.test(s)) return { problem: `timeout ${shown} needs a unit: ms, s, m, h or d (e.g. "${s}s" or "${s}m")` };
  if (!DURATION.test(s)) {
    return { problem: `timeout ${shown} is not a duration: use a number and a unit ms, s, m, h or d, e.g. "90s", "30m", "1h30m", or "none"` };
  }
  let ms = 0;
  for (const m of s.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) return { problem: `timeout ${shown} must be longer than 0` };
  if (ms > MAX_TIMEOUT_MS) return { problem: `timeout ${shown} is longer than the limit of 7 days` };
  return { ms };
}

/** Why `label` is not a valid label, or null. */
export function labelProblem(label: unknown): string | null {
  if (typeof label !== 'string') return `label must be a string, got ${label === null ? 'null' : typeof label}`;
  if (label.length === 0) return 'label is empty';
  if (label.length > 32) return `label "${label.slice(0, 40)}…" is ${label.length} characters long (at most 32)`;
  if (LABEL_PATTERN.test(label)) return null;
  return `label ${JSON.stringify(label)} is not allowed: ${LABEL_PATTERN_TEXT}`;
}

/** Every problem with `raw`, plus the input when there are none. */
export function checkTaskInput(raw: RawTaskInput): { input: TaskInput | null; problems: string[] } {
  const problems: string[] = [];

  let text = '';
  if (typeof raw.text !== 'string') problems.push(`task text must be a string, got ${raw.text === null ? 'null' : typeof raw.text}`);
  else if (raw.text.trim().length === 0) problems.push('task text is empty: say what the agent should do');
  else if (Buffer.byteLength(raw.text) > MAX_TASK_TEXT) problems.push(`task text is ${Buffer.byteLength(raw.text)} bytes (at most ${MAX_TASK_TEXT}); put the details in a file and name it in the task`);
  else if (raw.text.includes('\0')) problems.push('task text contains a NUL character');
  else text = raw.text.trim();

  let agent: string | null = null;
  if (raw.agent !== undefined && raw.agent !== null) {
    const p = nameProblem(raw.agent);
    if (p !== null) problems.push(`agent ${JSON.stringify(raw.agent)} ${p}`);
    else agent = raw.agent as string;
  }

  let priority: TaskPriority = 'normal';
  if (raw.priority !== undefined && raw.priority !== null) {
    const p = typeof raw.priority === 'string' ? raw.priority.trim().toLowerCase() : raw.priority;
    if ((TASK_PRIORITIES as readonly unknown[]).includes(p)) priority = p as TaskPriority;
    else problems.push(`unknown priority ${JSON.stringify(raw.priority)}: use one of ${TASK_PRIORITIES.join(', ')}`);
  }

  const labels: string[] = [];
  if (raw.labels !== undefined && raw.labels !== null) {
    const list = typeof raw.labels === 'string' ? raw.labels.split(',').map((l) => l.trim()) : raw.labels;
    if (!Array.isArray(list)) problems.push(`labels must be a list of names, got ${typeof raw.labels}`);
    else {
      for (const l of list) {
        const p = labelProblem(l);
        if (p !== null) problems.push(p);
        else if (!labels.includes(l as string)) labels.push(l as string);
      }
      if (labels.length > MAX_LABELS) problems.push(`${labels.length} labels (at most ${MAX_LABELS})`);
    }
  }

  const t = parseTimeout(raw.timeout);
  if ('problem' in t) problems.push(t.problem);

  if (problems.length > 0) return { input: null, problems };
  return { input: { text, agent, priority, labels, timeoutMs: 'ms' in t ? t.ms : null }, problems };
}

/** The validated input, or a USAGE MiyabiError listing every problem. */
export function parseTaskInput(raw: RawTaskInput): TaskInput {
  const { input, problems } = checkTaskInput(raw);
  if (input !== null) return input;
  throw new MiyabiError('USAGE', problems.length === 1 ? `task add: ${problems[0]}` : `task add:\n  ${problems.join('\n  ')}`, {
    hint: 'miyabi task add "<text>" [--agent NAME] [--priority high|normal|low] [--label L]… [--timeout 30m]',
    detail: { problems },
  });
}
