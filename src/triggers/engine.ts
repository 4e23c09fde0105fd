/**
 * The activation engine: a firing (an event that matched, a schedule come due, a condition that
 * crossed) passes the rule's debounce, dedupe, cooldown and overlap, then starts the rule's pipeline
 * and journals one `trigger.fired` with its cause and latency; anything that did not start a run is
 * journaled as `trigger.skipped` or `trigger.refused`. The clock is injected, so every policy is
 * tested without waiting.
 */
import type { TriggerRule } from '../config/trigger-schema.js';
import type { EventSink } from '../core/events/index.js';
import { fill, matchesPayload, matchesType, type TemplateScope, type TriggerEvent } from './match.js';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(h: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** What starts runs: the runs host, or a fake. */
export interface Starter {
  start(req: { pipeline: string; vars: Record<string, string>; event?: Record<string, unknown> }): Promise<{ runId: string; status: string }>;
  cancel(runId: string, reason: string): Promise<unknown>;
  /** Ends when the run ends; undefined when it does not run now. */
  done(runId: string): Promise<unknown> | undefined;
}

export type Cause = 'event' | 'schedule' | 'missed' | 'condition';

export interface Firing {
  rule: TriggerRule;
  cause: Cause;
  /** Epoch ms the latency counts from: the event's time, the due time, the crossing moment. */
  origin: number;
  event?: TriggerEvent;
  due?: number;
  value?: number;
}

export interface RuleStats {
  count: number;
  lastFiredAt?: number;
  lastRunId?: string;
  lastDue?: number;
}

interface Debounced {
  timer: unknown;
  latest: TriggerEvent;
  count: number;
}

const MAX_KEYS = 10_000;

export interface EngineDeps {
  rules: TriggerRule[];
  starter: Starter;
  sink: EventSink;
  /** The pipeline ref a rule starts (a name, or the file of its skill chain). */
  pipelineOf(rule: TriggerRule): string;
  clock?: Clock;
  log?: (line: string) => void;
}

export class TriggerEngine {
  readonly stats = new Map<string, RuleStats>();
  private readonly seen = new Map<string, Set<string>>();
  private readonly debounced = new Map<string, Debounced>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly clock: Clock;
  private stopped = false;

  constructor(private readonly d: EngineDeps) {
    this.clock = d.clock ?? realClock;
  }

  get rules(): TriggerRule[] {
    return this.d.rules;
  }

  stat(rule: string): RuleStats {
    let s = this.stats.get(rule);
    if (!s) this.stats.set(rule, (s = { count: 0 }));
    return s;
  }

  /** Counts, last firings, dedupe keys and schedules' last due times, from earlier journal records. */
  restore(records: Iterable<{ type: string; ts: number; payload: unknown }>): void {
    for (const r of records) {
      if (r.type !== 'trigger.fired' && r.type !== 'trigger.skipped') continue;
      const p = r.payload as { rule: string; runId?: string; dedupe?: string; due?: number };
      const s = this.stat(p.rule);
      if (r.type === 'trigger.fired') {
        s.count++;
        s.lastFiredAt = r.ts;
        if (p.runId) s.lastRunId = p.runId;
      }
      if (p.dedupe !== undefined) this.remember(p.rule, p.dedupe);
      if (p.due !== undefined && (s.lastDue ?? 0) < p.due) s.lastDue = p.due;
    }
  }

  private remember(rule: string, key: string): void {
    let set = this.seen.get(rule);
    if (!set) this.seen.set(rule, (set = new Set()));
    set.add(key);
    if (set.size > MAX_KEYS) set.delete(set.values().next().value as string);
  }

  private scope(f: Omit<Firing, 'origin'>): TemplateScope {
    return { rule: f.rule.name, cause: f.cause, now: this.clock.now(), ...(f.event ? { event: f.event } : {}), ...(f.due !== undefined ? { due: f.due } : {}), ...(f.value !== undefined ? { value: f.value } : {}) };
  }

  /** The rules an event fires, with the variables each would start its run with (no state is touched). */
  matching(ev: TriggerEvent, all = false): { rule: TriggerRule; vars: Record<string, string> }[] {
    return this.d.rules
      .filter((r) => (all || r.enabled) && r.kind === 'event' && r.on !== undefined && matchesType(r.on, ev.type) && matchesPayload(r.match, ev))
      .map((rule) => ({ rule, vars: this.vars({ rule, cause: 'event', event: ev }) }));
  }

  vars(f: Omit<Firing, 'origin'>): Record<string, string> {
    const s = this.scope(f);
    return Object.fromEntries(Object.entries(f.rule.vars).map(([k, v]) => [k, fill(v, s)]));
  }

  /** An event came in: every enabled rule it matches fires (after its debounce). */
  event(ev: TriggerEvent): void {
    if (this.stopped) return;
    for (const { rule } of this.matching(ev)) {
      if (this.duplicate(rule, { rule, cause: 'event', event: ev })) continue;
      if (rule.debounceMs <= 0) {
        void this.fire({ rule, cause: 'event', origin: ev.ts, event: ev });
        continue;
      }
      const prev = this.debounced.get(rule.name);
      if (prev) this.clock.clearTimeout(prev.timer);
      const entry: Debounced = { latest: ev, count: (prev?.count ?? 0) + 1, timer: null };
      entry.timer = this.clock.setTimeout(() => {
        this.debounced.delete(rule.name);
        if (entry.count > 1) this.d.sink.append('trigger.skipped', { rule: rule.name, cause: 'event', reason: `debounced: ${entry.count - 1} earlier event(s) of the burst folded into the last`, count: entry.count - 1, eventId: ev.id });
        void this.fire({ rule, cause: 'event', origin: entry.latest.ts, event: entry.latest });
      }, rule.debounceMs);
      this.debounced.set(rule.name, entry);
    }
  }

  private dedupeKey(f: Omit<Firing, 'origin'>): string | undefined {
    return f.rule.dedupe === null ? undefined : fill(f.rule.dedupe, this.scope(f));
  }

  private duplicate(rule: TriggerRule, f: Omit<Firing, 'origin'>): boolean {
    const key = this.dedupeKey(f);
    if (key === undefined || key === '' || !this.seen.get(rule.name)?.has(key)) return false;
    this.d.sink.append('trigger.skipped', { rule: rule.name, cause: f.cause, reason: `duplicate: ${key} started a run already`, dedupe: key, ...(f.event ? { eventId: f.event.id } : {}) });
    return true;
  }

  /** One firing through cooldown, dedupe and overlap to a started run. */
  async fire(f: Firing): Promise<void> {
    if (this.stopped) return;
    const { rule } = f;
    const s = this.stat(rule.name);
    const now = this.clock.now();
    const base = { rule: rule.name, cause: f.cause, ...(f.event ? { eventId: f.event.id } : {}), ...(f.due !== undefined ? { due: f.due } : {}) };
    if (f.due !== undefined && (s.lastDue ?? 0) < f.due) s.lastDue = f.due;
    if (this.duplicate(rule, f)) return;
    const key = this.dedupeKey(f);
    if (rule.cooldownMs > 0 && s.lastFiredAt !== undefined && now - s.lastFiredAt < rule.cooldownMs) {
      this.d.sink.append('trigger.skipped', { ...base, reason: `cooldown: fired ${now - s.lastFiredAt} ms ago (cooldown ${rule.cooldownMs} ms)`, ...(key ? { dedupe: key } : {}) });
      return;
    }
    if (key) this.remember(rule.name, key);
    s.lastFiredAt = now;
    const last = s.lastRunId ? this.d.starter.done(s.lastRunId) : undefined;
    if (last && rule.overlap === 'skip') {
      this.d.sink.append('trigger.skipped', { ...base, reason: `overlap: skip (its last run ${s.lastRunId} still runs)` });
      return;
    }
    if (last && rule.overlap === 'cancel') await this.d.starter.cancel(s.lastRunId as string, `cancelled by trigger ${rule.name} (overlap: cancel)`).catch(() => undefined);
    const start = () => this.start(f, key);
    if (last && rule.overlap === 'queue') {
      const chained = (this.chains.get(rule.name) ?? last).catch(() => undefined).then(start);
      this.chains.set(rule.name, chained);
      await chained;
      return;
    }
    await start();
  }

  private async start(f: Firing, key: string | undefined): Promise<void> {
    if (this.stopped) return;
    const { rule } = f;
    const vars = this.vars(f);
    const pipeline = this.d.pipelineOf(rule);
    const event = f.event ? { ...f.event.data, id: f.event.id, type: f.event.type } : undefined;
    try {
      const r = await this.d.starter.start({ pipeline, vars, ...(event ? { event } : {}) });
      const s = this.stat(rule.name);
      s.count++;
      s.lastRunId = r.runId;
      this.d.sink.append('trigger.fired', {
        rule: rule.name, cause: f.cause, latencyMs: Math.max(0, this.clock.now() - f.origin), runId: r.runId, pipeline, status: r.status, vars,
        ...(f.event ? { eventId: f.event.id, eventType: f.event.type } : {}), ...(f.due !== undefined ? { due: f.due } : {}),
        ...(key ? { dedupe: key } : {}), ...(f.value !== undefined ? { value: f.value } : {}),
      });
    } catch (e) {
      this.d.sink.append('trigger.refused', { rule: rule.name, source: f.cause, reason: `the run did not start: ${e instanceof Error ? e.message : String(e)}` });
      this.d.log?.(`trigger ${rule.name}: the run did not start: ${String(e)}`);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const d of this.debounced.values()) this.clock.clearTimeout(d.timer);
    this.debounced.clear();
  }
}
