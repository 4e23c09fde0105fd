import { resetFromGroups } from './reset-time.js';
import type { AgentState, CompiledPattern, StateProfile } from './types.js';

/** What the profile's patterns make of a screen. */
export interface ScreenReading {
  kind: 'waiting-for-input' | 'rate-limited' | 'busy' | 'idle' | null;
  /** The pattern that matched (its source, as in the profile file). */
  pattern?: string;
  /** The text it matched, whitespace squeezed. */
  evidence?: string;
  resetAt?: number;
  /** A rate-limit message whose reset time has passed (still on the screen, no longer true). */
  expired?: boolean;
  /** Nothing on the screen at all (an agent not drawn yet): neither recognised nor not. */
  blank?: boolean;
}

/**
 * The bottom of a screen: trailing spaces cut, trailing empty lines dropped, then the last
 * `lines` non-empty lines with the empty lines between them (so multi-line patterns such as
 * Claude's `rule + ❯ prompt` still see their neighbours).
 */
export function screenTail(screen: string, lines: number): string {
  const all = screen.replace(/\r/g, '').split('\n').map((l) => l.replace(/[ \t]+$/, ''));
  let end = all.length;
  while (end > 0 && all[end - 1] === '') end--;
  let start = end;
  let seen = 0;
  while (start > 0 && seen < lines) {
    start--;
    if (all[start] !== '') seen++;
  }
  return all.slice(start, end).join('\n');
}

function first(patterns: CompiledPattern[], text: string): { p: CompiledPattern; m: RegExpExecArray } | null {
  for (const p of patterns) {
    p.re.lastIndex = 0;
    const m = p.re.exec(text);
    if (m) return { p, m };
  }
  return null;
}

const squeeze = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The whole lines a match touches, whitespace squeezed: what a log or `agents --json` shows. */
function lines(text: string, m: RegExpExecArray): string {
  const start = text.lastIndexOf('\n', m.index - 1) + 1;
  const endNl = text.indexOf('\n', m.index + Math.max(m[0].length - 1, 0));
  return squeeze(text.slice(start, endNl < 0 ? text.length : endNl));
}

/**
 * Reads a screen with a profile's patterns, in this order: waiting-for-input (a question for a
 * person outranks everything on the screen), rate-limited, busy, ready (= idle). A rate-limit
 * message that was already seen (same text as `prev.evidence`) keeps its first reset time, and
 * once that time has passed it no longer counts (it may stay on the screen for a long time).
 */
export function readScreen(screen: string, profile: StateProfile, now: number, prev?: AgentState): ScreenReading {
  const tail = screenTail(screen, profile.scanLines);
  if (tail.trim() === '') return { kind: null, blank: true };
  const waiting = first(profile.patterns.waiting, tail);
  if (waiting) return { kind: 'waiting-for-input', pattern: waiting.p.source, evidence: lines(tail, waiting.m) };
  let expired = false;
  const limit = first(profile.patterns.rateLimited, tail);
  if (limit) {
    const evidence = lines(tail, limit.m);
    const seen = prev?.evidence === evidence && prev.state === 'rate-limited';
    const resetAt = seen ? prev.resetAt : resetFromGroups(limit.m.groups, now);
    if (resetAt === undefined || resetAt > now) {
      return { kind: 'rate-limited', pattern: limit.p.source, evidence, ...(resetAt !== undefined ? { resetAt } : {}) };
    }
    expired = true;
  }
  const busy = first(profile.patterns.busy, tail);
  if (busy) return { kind: 'busy', pattern: busy.p.source, evidence: lines(tail, busy.m), expired };
  const ready = first(profile.patterns.ready, tail);
  if (ready) return { kind: 'idle', pattern: ready.p.source, evidence: lines(tail, ready.m), expired };
  return { kind: null, expired };
}
