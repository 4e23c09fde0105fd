/**
 * Schedules: each schedule rule's next due time (croner for cron expressions and time zones; `every`
 * aligned to the epoch, so a restart keeps the same beat), one timer per rule set for that time,
 * and on start the firings missed while the controller was down, handled by the rule's policy:
 * `skip` journals them, `once` fires the last one, `catch-up` fires up to `max` of them. The last
 * due time handled is in every `trigger.fired`/`trigger.skipped` record (`due`), which is how the
 * next controller knows what it missed.
 */
import { Cron } from 'croner';
import type { TriggerRule } from '../config/trigger-schema.js';
import type { EventSink } from '../core/events/index.js';
import { realClock, type Clock, type Firing } from './engine.js';

/** Node timers overflow past 2^31 ms: a far due time is approached in steps. */
const MAX_WAIT_MS = 3_600_000;

/** The first due time strictly after `after` (epoch ms), or null when there is none. */
export function nextDue(rule: TriggerRule, after: number): number | null {
  const s = rule.schedule;
  if (!s) return null;
  if (s.everyMs !== undefined) return (Math.floor(after / s.everyMs) + 1) * s.everyMs;
  if (!s.cron) return null;
  const c = new Cron(s.cron, { paused: true, ...(s.tz ? { timezone: s.tz } : {}) });
  const next = c.nextRun(new Date(after));
  c.stop();
  return next ? next.getTime() : null;
}

/** Due times in (from, to], oldest first, at most `limit` of them (the newest kept). */
export function dueBetween(rule: TriggerRule, from: number, to: number, limit = 1000): number[] {
  const out: number[] = [];
  for (let t = nextDue(rule, from); t !== null && t <= to; t = nextDue(rule, t)) {
    out.push(t);
    if (out.length > limit) out.shift();
  }
  return out;
}

export interface ScheduleDeps {
  fire(f: Firing): Promise<void>;
  sink: EventSink;
  /** The last due time each rule handled (from the journal), by rule name. */
  lastDue(rule: string): number | undefined;
  clock?: Clock;
}

export class Schedules {
  private readonly timers = new Map<string, unknown>();
  readonly next = new Map<string, number>();
  private readonly clock: Clock;
  private stopped = false;

  constructor(private readonly rules: TriggerRule[], private readonly d: ScheduleDeps) {
    this.clock = d.clock ?? realClock;
  }

  start(): void {
    const now = this.clock.now();
    for (const rule of this.rules) {
      if (!rule.enabled || rule.kind !== 'schedule') continue;
      this.missed(rule, now);
      this.arm(rule, now);
    }
  }

  /** Firings due while no controller ran, handled by the rule's `missed` policy. */
  missed(rule: TriggerRule, now: number): void {
    const last = this.d.lastDue(rule.name);
    const s = rule.schedule;
    if (last === undefined || !s) return; // never ran here: nothing was missed
    const due = dueBetween(rule, last, now, Math.max(s.max, 1) + 1000);
    if (due.length === 0) return;
    const newest = due[due.length - 1] as number;
    const n = due.length;
    if (s.missed === 'skip') {
      this.d.sink.append('trigger.skipped', { rule: rule.name, cause: 'missed', reason: `${n} firing(s) missed while the controller was down (missed: skip)`, due: newest, count: n });
      return;
    }
    const take = s.missed === 'once' ? [newest] : due.slice(-s.max);
    if (take.length < n) {
      this.d.sink.append('trigger.skipped', { rule: rule.name, cause: 'missed', reason: `${n - take.length} of ${n} missed firing(s) dropped (missed: ${s.missed}${s.missed === 'catch-up' ? `, max ${s.max}` : ''})`, due: take[0] as number, count: n - take.length });
    }
    for (const t of take) void this.d.fire({ rule, cause: 'missed', origin: now, due: t });
  }

  private arm(rule: TriggerRule, after: number): void {
    if (this.stopped) return;
    const due = nextDue(rule, after);
    if (due === null) return;
    this.next.set(rule.name, due);
    const wait = Math.max(0, due - this.clock.now());
    this.timers.set(rule.name, this.clock.setTimeout(() => {
      if (wait > MAX_WAIT_MS || this.clock.now() < due) return this.arm(rule, Math.max(after, due - 1));
      void this.d.fire({ rule, cause: 'schedule', origin: due, due });
      this.arm(rule, due);
    }, Math.min(wait, MAX_WAIT_MS)));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
  }
}
