/**
 * The fold's state as named series: what `miyabi metrics`, the /metrics endpoint and condition
 * triggers (`metric: agent.failure_rate > 0.3`) read. Names are dotted; labels pick a series.
 */
import type { MetricsReader } from '../core/metrics.js';
import type { Samples } from './samples.js';
import type { AgentM, Counters, FoldState } from './state.js';

export interface Series {
  name: string;
  help: string;
  kind: 'counter' | 'gauge';
  labels: Record<string, string>;
  value: number;
}

/** Per-agent budgets (feedback config): a share of it is a metric a condition can watch. */
export interface Budgets {
  costUsd?: Record<string, number>;
  tokens?: Record<string, number>;
}

const AGENT_COUNTERS: [string, string][] = [
  ['tasks_done', 'tasks the agent finished'], ['tasks_failed', 'tasks that failed'],
  ['tasks_timed_out', 'tasks that timed out'], ['tasks_cancelled', 'tasks cancelled while the agent had them'],
  ['messages_in', 'messages delivered to the agent'], ['messages_out', 'messages the agent sent (relayed)'],
  ['messages_failed', 'messages that could not be delivered to the agent'], ['deaths', 'times the agent was seen dead'],
  ['tokens_input', 'input tokens (uncached)'], ['tokens_output', 'output tokens'],
  ['tokens_cacheCreation', 'tokens written to the prompt cache'], ['tokens_cacheRead', 'tokens read from the prompt cache'],
  ['cost_usd_estimate', 'cost in USD, an ESTIMATE from the editable price table'],
];
const STATE_METRIC: Record<string, string> = { busy: 'busy_seconds', idle: 'idle_seconds', 'waiting-for-input': 'waiting_seconds', 'rate-limited': 'rate_limited_seconds' };

/** Milliseconds in each state, the open interval counted up to `now`. */
export function stateTimes(a: AgentM, from: number, now: number): Counters {
  const out = { ...a.stateMs };
  if (a.state !== null) {
    const start = Math.max(a.since, from);
    if (now > start) out[a.state] = (out[a.state] ?? 0) + (now - start);
  }
  return out;
}

export function failureRate(c: Counters): number | undefined {
  const bad = (c.tasks_failed ?? 0) + (c.tasks_timed_out ?? 0);
  const all = bad + (c.tasks_done ?? 0);
  return all === 0 ? undefined : bad / all;
}

export function toSeries(s: FoldState, o: { now: number; from?: number; budgets?: Budgets }): Series[] {
  const out: Series[] = [];
  const put = (name: string, kind: Series['kind'], help: string, labels: Record<string, string>, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) out.push({ name, kind, help, labels, value });
  };
  const quantiles = (name: string, help: string, labels: Record<string, string>, x: Samples, qs: number[]) => {
    for (const q of qs) put(name, 'gauge', help, { ...labels, quantile: String(q / 100) }, x.percentile(q));
    put(`${name}_count`, 'counter', `${help} (how many)`, labels, x.count);
  };
  for (const [agent, a] of s.agents) {
    const l = { agent };
    for (const [k, help] of AGENT_COUNTERS) put(`agent.${k}`, 'counter', help, l, a.c[k] ?? 0);
    const times = stateTimes(a, o.from ?? 0, o.now);
    for (const [st, m] of Object.entries(STATE_METRIC)) put(`agent.${m}`, 'counter', `seconds spent ${st}`, l, (times[st] ?? 0) / 1000);
    put('agent.failure_rate', 'gauge', 'failed or timed-out tasks / finished tasks', l, failureRate(a.c));
    for (const [level, n] of Object.entries(a.recoveries)) put('agent.recoveries', 'counter', 'recovery attempts by level', { agent, level }, n);
    if (a.context) put('agent.context_share', 'gauge', "tokens in context / the model's window", l, a.context.tokens / a.context.window);
    const bc = o.budgets?.costUsd?.[agent];
    if (bc) put('agent.budget_cost_share', 'gauge', 'estimated cost / budget (an ESTIMATE)', l, (a.c.cost_usd_estimate ?? 0) / bc);
    const bt = o.budgets?.tokens?.[agent];
    const tokens = (a.c.tokens_input ?? 0) + (a.c.tokens_output ?? 0) + (a.c.tokens_cacheCreation ?? 0) + (a.c.tokens_cacheRead ?? 0);
    if (bt) put('agent.budget_tokens_share', 'gauge', 'tokens used / token budget', l, tokens / bt);
  }
  for (const [pipeline, p] of s.pipelines) {
    const l = { pipeline };
    put('pipeline.runs', 'counter', 'runs started', l, p.c.runs ?? 0);
    for (const oc of ['succeeded', 'failed', 'cancelled', 'interrupted']) put(`pipeline.runs_${oc}`, 'counter', `runs ${oc}`, l, p.c[oc] ?? 0);
    const ended = (p.c.succeeded ?? 0) + (p.c.failed ?? 0);
    put('pipeline.success_rate', 'gauge', 'succeeded / (succeeded + failed) runs', l, ended ? (p.c.succeeded ?? 0) / ended : undefined);
    put('pipeline.retries', 'counter', 'stage retries', l, p.c.retries ?? 0);
    put('pipeline.escalations', 'counter', 'stages escalated', l, p.c.escalations ?? 0);
    for (const [stage, x] of p.stages) quantiles('pipeline.stage_duration_ms', 'stage duration in ms', { pipeline, stage }, x, [50, 95]);
  }
  for (const [rule, t] of s.triggers) {
    put('trigger.activations', 'counter', 'times the rule fired', { rule }, t.activations);
    quantiles('trigger.latency_ms', 'from cause to fire, ms', { rule }, t.latency, [50, 99]);
  }
  put('bus.queued', 'gauge', 'messages seen in flight in the journal, not yet delivered or failed', {}, s.bus.inflight.size);
  for (const k of ['delivered', 'failed', 'deferred', 'quarantined', 'relayed']) put(`bus.${k}`, 'counter', `messages ${k}`, {}, s.bus.c[k] ?? 0);
  quantiles('bus.delivery_latency_ms', 'from a message written to it typed in, ms', {}, s.bus.latency, [50, 95, 99]);
  for (const [level, lm] of s.levels) {
    for (const k of ['detected', 'attempt', 'succeeded', 'escalated', 'gave_up']) put(`recovery.${k}`, 'counter', `recoveries ${k}`, { level }, lm.c[k] ?? 0);
    quantiles('recovery.time_to_recover_ms', 'time to recover, ms', { level }, lm.ttr, [50, 95]);
  }
  for (const [k, n] of Object.entries(s.notify)) {
    const [what, channel] = k.split(':');
    put(`notify.${what}`, 'counter', `notifications ${what}`, { channel: channel ?? '?' }, n);
  }
  for (const [name, v] of s.external) put(name, 'gauge', 'set from outside (miyabi metric set)', {}, v);
  return out;
}

function matches(have: Record<string, string>, want: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(want)) if (have[k] !== v) return false;
  return true;
}

/**
 * A MetricsReader over a list of series. With labels, the one series that has them; without, the
 * unlabelled series, else the sum of a counter's series or the highest of a gauge's (so
 * `agent.failure_rate > 0.3` reads "some agent fails more than 30 %"). Quantile series are only
 * read with their `quantile` label.
 */
export function readerOf(series: () => Series[]): MetricsReader {
  return {
    value(name, labels) {
      const all = series().filter((x) => x.name === name);
      if (all.length === 0) return undefined;
      if (labels && Object.keys(labels).length) return all.find((x) => matches(x.labels, labels))?.value;
      const plain = all.find((x) => Object.keys(x.labels).length === 0);
      if (plain) return plain.value;
      const pick = all.filter((x) => x.labels.quantile === undefined);
      if (pick.length === 0) return undefined;
      return pick[0]?.kind === 'counter' ? pick.reduce((a, x) => a + x.value, 0) : Math.max(...pick.map((x) => x.value));
    },
    names: () => [...new Set(series().map((x) => x.name))].sort(),
  };
}
