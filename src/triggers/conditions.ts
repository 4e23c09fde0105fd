/**
 * Conditions: each condition rule's probe sampled every `every`; it fires on the rising edge once
 * the value has been past the threshold for `for:`, then stays quiet until the value comes back past
 * `clear` (hysteresis: a value that hovers at the threshold fires once, not on every sample).
 */
import type { ConditionSpec, TriggerRule } from '../config/trigger-schema.js';
import { realClock, type Clock, type Firing } from './engine.js';

/** A probe's reading: a number, or why there is none (then nothing changes). */
export type Reading = { value: number } | { error: string };
export type Probe = (spec: ConditionSpec) => Promise<Reading>;

export interface ConditionState {
  armed: boolean;
  /** When the value first went past the threshold in the current stretch. */
  over: number | null;
  lastValue?: number;
  lastError?: string;
  lastSampleAt?: number;
}

/** One sample applied to a condition's state: true when this sample fires. */
export function step(spec: ConditionSpec, st: ConditionState, value: number, at: number): boolean {
  const past = spec.op === 'above' ? value > spec.threshold : value < spec.threshold;
  const cleared = spec.op === 'above' ? value <= spec.clear : value >= spec.clear;
  if (!st.armed) {
    if (cleared && !past) {
      st.armed = true;
      st.over = null;
    }
    return false;
  }
  if (!past) {
    st.over = null;
    return false;
  }
  st.over ??= at;
  if (at - st.over < spec.forMs) return false;
  st.armed = false;
  return true;
}

export interface ConditionDeps {
  fire(f: Firing): Promise<void>;
  probe: Probe;
  clock?: Clock;
}

export class Conditions {
  readonly state = new Map<string, ConditionState>();
  private readonly timers = new Map<string, unknown>();
  private readonly clock: Clock;
  private stopped = false;

  constructor(private readonly rules: TriggerRule[], private readonly d: ConditionDeps) {
    this.clock = d.clock ?? realClock;
  }

  start(): void {
    for (const rule of this.rules) {
      if (!rule.enabled || rule.kind !== 'condition' || !rule.condition) continue;
      this.state.set(rule.name, { armed: true, over: null });
      this.schedule(rule, 0);
    }
  }

  private schedule(rule: TriggerRule, ms: number): void {
    if (this.stopped) return;
    this.timers.set(rule.name, this.clock.setTimeout(() => void this.sample(rule), ms));
  }

  /** Takes one sample now (the timer calls it; tests may too). */
  async sample(rule: TriggerRule): Promise<void> {
    const spec = rule.condition as ConditionSpec;
    const st = this.state.get(rule.name) as ConditionState;
    try {
      const at = this.clock.now();
      const r = await this.d.probe(spec);
      st.lastSampleAt = at;
      if ('error' in r) st.lastError = r.error;
      else {
        st.lastValue = r.value;
        delete st.lastError;
        if (step(spec, st, r.value, at)) {
          // The latency counts from the sample that completed the crossing (its `for:` included in `over`).
          void this.d.fire({ rule, cause: 'condition', origin: at, value: r.value });
        }
      }
    } catch (e) {
      st.lastError = e instanceof Error ? e.message : String(e);
    }
    this.schedule(rule, spec.everyMs);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
  }
}
