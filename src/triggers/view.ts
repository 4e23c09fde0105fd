/** What `miyabi triggers` and `miyabi triggers test` show, from the rules and the engine's state. */
import type { TriggerRule } from '../config/trigger-schema.js';
import type { ConditionState } from './conditions.js';
import type { TriggerEngine } from './engine.js';
import type { TriggerEvent } from './match.js';
import { nextDue } from './schedules.js';

/** A rule as `miyabi triggers` shows it (the `triggers.list` reply's rows). */
export interface TriggerRow {
  name: string;
  origin: 'project' | 'default';
  enabled: boolean;
  kind: 'event' | 'schedule' | 'condition';
  /** The event type, the schedule or the condition, as written. */
  when: string;
  /** The pipeline or the skill chain it starts. */
  starts: string;
  count: number;
  lastFiredAt?: number;
  lastRunId?: string;
  nextAt?: number;
  /** A condition's last reading, and why there is none. */
  value?: number;
  error?: string;
  /** What this rule's world lacks here. */
  needs: string[];
}

export function whenText(r: TriggerRule): string {
  if (r.kind === 'event') return `on ${r.on}${Object.keys(r.match).length ? ` where ${Object.entries(r.match).map(([k, v]) => `${k}=${String(v)}`).join(' ')}` : ''}${r.files.length ? ` files ${r.files.join(' ')}` : ''}`;
  if (r.kind === 'schedule') return `schedule ${r.schedule?.text ?? ''}`;
  return `condition ${r.condition?.text ?? ''}`;
}

export function startsText(r: TriggerRule): string {
  return r.target.kind === 'pipeline' ? `pipeline ${r.target.pipeline}` : `skills ${r.target.chain.join(' -> ')}`;
}

export function rows(engine: TriggerEngine, o: { next?: Map<string, number>; conditions?: Map<string, ConditionState>; now?: number; metricsMissing?: boolean } = {}): TriggerRow[] {
  const now = o.now ?? Date.now();
  return engine.rules.map((r) => {
    const s = engine.stats.get(r.name);
    const c = o.conditions?.get(r.name);
    const next = o.next?.get(r.name) ?? (r.kind === 'schedule' ? (nextDue(r, now) ?? undefined) : undefined);
    const needs = [...r.needs];
    if (r.condition?.probe === 'metric' && o.metricsMissing) needs.push(`a metrics provider publishing ${r.condition.metric ?? 'the metric'} (none runs here)`);
    return {
      name: r.name, origin: r.origin, enabled: r.enabled, kind: r.kind, when: whenText(r), starts: startsText(r),
      count: s?.count ?? 0,
      ...(s?.lastFiredAt !== undefined ? { lastFiredAt: s.lastFiredAt } : {}), ...(s?.lastRunId ? { lastRunId: s.lastRunId } : {}),
      ...(next !== undefined ? { nextAt: next } : {}),
      ...(c?.lastValue !== undefined ? { value: c.lastValue } : {}), ...(c?.lastError ? { error: c.lastError } : {}),
      needs,
    };
  });
}

/** A dry run of one event against every rule (enabled or not), saying which would fire and why not. */
export function dryRun(engine: TriggerEngine, ev: TriggerEvent, now = Date.now()) {
  return engine.matching(ev, true).map(({ rule, vars }) => {
    const s = engine.stats.get(rule.name);
    const why = !rule.enabled
      ? rule.origin === 'default' ? `off: a default rule (enable: [${rule.name}] in triggers.yaml turns it on)` : 'off (enabled: false)'
      : rule.cooldownMs > 0 && s?.lastFiredAt !== undefined && now - s.lastFiredAt < rule.cooldownMs ? `cooling down for ${rule.cooldownMs - (now - s.lastFiredAt)} ms more` : undefined;
    return { rule: rule.name, enabled: rule.enabled, starts: startsText(rule), vars, wouldFire: why === undefined, ...(why ? { why } : {}) };
  });
}
