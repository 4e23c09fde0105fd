import { backoff, LEVELS, type Level, type Policy } from './policy.js';

/** What the ladder says to do with an agent that failed. */
export type Step =
  | { kind: 'attempt'; level: Level; attempt: number; delayMs: number; escalatedFrom?: Level }
  | { kind: 'give-up'; level: Level; reason: string };

interface AgentLadder {
  level: Level;
  /** Start times of restarts, per level (only those inside the level's window matter). */
  attempts: Record<Level, number[]>;
  /** When the agent last came back (or was first seen) and has not failed since. */
  upSince: number | null;
  failed: string | null;
}

const fresh = (): AgentLadder => ({ level: 1, attempts: { 1: [], 2: [], 3: [], 4: [] }, upSince: null, failed: null });

/**
 * Each agent's place on the ladder: restarts per level inside a window, backoff, escalation,
 * give-up, and the reset after a healthy period. Pure: the caller says what happened and when;
 * the journal's recovery records replay into it (fold), so a new controller knows where it was.
 */
export class Ladder {
  private readonly agents = new Map<string, AgentLadder>();

  constructor(private readonly policy: Policy) {}

  private of(agent: string): AgentLadder {
    let a = this.agents.get(agent);
    if (!a) this.agents.set(agent, (a = fresh()));
    return a;
  }

  /** The agent failed at `now`: the next step, already counted. */
  next(agent: string, now: number, from?: Level): Step {
    const a = this.of(agent);
    if (a.failed) return { kind: 'give-up', level: a.level, reason: a.failed };
    if (from !== undefined && from > a.level) a.level = from;
    let escalatedFrom: Level | undefined;
    for (;;) {
      const lim = this.policy.limits[a.level];
      const inWindow = a.attempts[a.level].filter((t) => now - t < lim.windowMs);
      a.attempts[a.level] = inWindow;
      if (inWindow.length < lim.limit) {
        inWindow.push(now);
        a.upSince = null;
        return { kind: 'attempt', level: a.level, attempt: inWindow.length, delayMs: backoff(lim, inWindow.length), ...(escalatedFrom ? { escalatedFrom } : {}) };
      }
      const spent = a.level;
      const up = LEVELS[LEVELS.indexOf(a.level) + 1];
      if (!up) {
        a.failed = `every level spent: L${spent} restarted ${lim.limit} time(s) within ${Math.round(lim.windowMs / 1000)} s and the command still fails`;
        return { kind: 'give-up', level: spent, reason: a.failed };
      }
      escalatedFrom ??= spent;
      a.level = up;
    }
  }

  isFailed(agent: string): boolean {
    return (this.agents.get(agent)?.failed ?? null) !== null;
  }

  /** Marks the agent failed for good (a level that cannot run here, a never-restart agent). */
  giveUp(agent: string, reason: string): void {
    this.of(agent).failed = reason;
  }

  /** The agent runs again (or is first seen alive). */
  up(agent: string, now: number): void {
    const a = this.of(agent);
    a.upSince ??= now;
  }

  /** Counters start over for an agent up and quiet for the healthy period; true when that happened now. */
  maybeReset(agent: string, now: number): boolean {
    const a = this.agents.get(agent);
    if (!a || a.failed || a.upSince === null || now - a.upSince < this.policy.healthyMs) return false;
    const touched = a.level !== 1 || LEVELS.some((l) => a.attempts[l].length > 0);
    if (!touched) return false;
    this.agents.set(agent, { ...fresh(), upSince: a.upSince });
    return true;
  }

  /** A person asked for it (`recover`, `restart`): clears a give-up. */
  clear(agent: string): void {
    this.agents.delete(agent);
  }

  view(agent: string, now: number): { level: Level | null; restarts: Record<string, number>; next: string; failed: string | null } {
    const a = this.agents.get(agent) ?? fresh();
    const restarts: Record<string, number> = {};
    for (const l of LEVELS) restarts[String(l)] = a.attempts[l].filter((t) => now - t < this.policy.limits[l].windowMs).length;
    if (a.failed) return { level: null, restarts, next: 'none: gave up (miyabi recover clears it)', failed: a.failed };
    const lim = this.policy.limits[a.level];
    const used = restarts[String(a.level)] ?? 0;
    const next = used < lim.limit ? `L${a.level} restart ${used + 1}/${lim.limit}${backoff(lim, used + 1) ? ` after ${backoff(lim, used + 1)} ms` : ' at once'}` : a.level < 4 ? `escalate to L${a.level + 1}` : 'give up';
    return { level: a.level, restarts, next, failed: null };
  }

  /** Rebuilds the ladder from journal records (recovery.attempt / escalated / gave-up / reset). */
  fold(records: Iterable<{ type: string; ts?: number | string; payload?: unknown }>): void {
    for (const r of records) {
      if (!r.type.startsWith('recovery.')) continue;
      const p = (r.payload ?? {}) as { agent?: string; level?: number };
      if (!p.agent) continue;
      const t = typeof r.ts === 'number' ? r.ts : Date.parse(String(r.ts));
      const a = this.of(p.agent);
      if (r.type === 'recovery.attempt' && isLevel(p.level)) {
        a.level = p.level;
        a.attempts[p.level].push(t);
        a.upSince = null;
      } else if (r.type === 'recovery.escalated' && isLevel(p.level)) a.level = p.level;
      else if (r.type === 'recovery.gave-up') a.failed = (p as { reason?: string }).reason ?? 'gave up';
      else if (r.type === 'recovery.succeeded') a.upSince = t;
      else if (r.type === 'recovery.reset') this.agents.set(p.agent, fresh());
    }
  }
}

function isLevel(n: unknown): n is Level {
  return n === 1 || n === 2 || n === 3 || n === 4;
}
