/**
 * The metrics fold: one record at a time, in seq order, into FoldState (state.ts). The controller
 * feeds it every record as it is appended (`onAppend`), reports feed it a replay. Types are read
 * as strings and payload fields checked at run time: records of other slices (trigger.fired,
 * recovery.*) may be newer than this code, and a record of the wrong shape is skipped, not a crash.
 */
import { type FoldState, agentOf, bump, emptyState, levelOf, pipelineOf, samplesOf } from './state.js';
import { Samples } from './samples.js';

export interface FoldRecord {
  seq: number;
  ts: number;
  type: string;
  payload: unknown;
}

type P = Record<string, unknown>;
const str = (p: P, k: string): string | undefined => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
const num = (p: P, k: string): number | undefined => (typeof p[k] === 'number' && Number.isFinite(p[k]) ? (p[k] as number) : undefined);
const strs = (p: P, k: string): string[] => (Array.isArray(p[k]) ? (p[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
/** How many recent task outcomes each agent keeps for the router. */
export const RECENT_KEPT = 50;
const FAILURES_KEPT = 200;
/** Agent states whose time is reported. */
export const TIMED_STATES = ['busy', 'idle', 'waiting-for-input', 'rate-limited', 'unresponsive'] as const;

/** Record types the fold reads: a reader may skip the others without parsing them. */
export const FOLDED_TYPES = new Set([
  'agent.spawned', 'agent.killed', 'agent.state',
  'message.delivering', 'message.delivered', 'message.failed', 'message.deferred', 'message.quarantined', 'relay.sent',
  'task.added', 'task.assigned', 'task.started', 'task.done', 'task.failed', 'task.timed-out', 'task.cancelled',
  'run.started', 'run.finished', 'stage.finished', 'stage.retry', 'stage.escalated',
  'trigger.fired', 'recovery.detected', 'recovery.attempt', 'recovery.succeeded', 'recovery.escalated', 'recovery.gave-up',
  'metric.set', 'usage.recorded', 'notify.sent', 'notify.failed',
]);

export class MetricsFold {
  /** Records before `from` (ms) update what the fold remembers but are not counted (report --since). */
  constructor(
    readonly state: FoldState = emptyState(),
    readonly from = 0,
  ) {}

  apply(r: FoldRecord): void {
    const s = this.state;
    if (r.seq <= s.lastSeq) return;
    s.lastSeq = r.seq;
    if (!FOLDED_TYPES.has(r.type) || typeof r.payload !== 'object' || r.payload === null) return;
    const on = r.ts >= this.from;
    if (on) {
      s.firstTs ??= r.ts;
      s.lastTs = r.ts;
    }
    const p = r.payload as P;
    const t = r.type;
    if (t.startsWith('agent.')) this.agent(t, p, r.ts, on);
    else if (t.startsWith('message.') || t === 'relay.sent') this.message(t, p, on);
    else if (t.startsWith('task.')) this.task(t, p, r.ts, on);
    else if (t.startsWith('run.') || t.startsWith('stage.')) this.run(t, p, r.ts, on);
    else if (t.startsWith('recovery.')) this.recovery(t, p, on);
    else if (!on) return;
    else if (t === 'trigger.fired') {
      const rule = str(p, 'rule');
      if (!rule) return;
      let tr = s.triggers.get(rule);
      if (!tr) s.triggers.set(rule, (tr = { activations: 0, latency: new Samples() }));
      tr.activations++;
      const ms = num(p, 'latencyMs');
      if (ms !== undefined) tr.latency.add(ms);
    } else if (t === 'metric.set') {
      const name = str(p, 'name');
      const v = num(p, 'value');
      if (name && v !== undefined) s.external.set(name, v);
    } else if (t === 'usage.recorded') this.usage(p);
    else if (t === 'notify.sent' || t === 'notify.failed') bump(s.notify, `${t.slice(7)}:${str(p, 'channel') ?? '?'}`);
  }

  private agent(t: string, p: P, ts: number, on: boolean): void {
    const name = str(p, 'name');
    if (!name) return;
    const a = agentOf(this.state, name);
    if (t === 'agent.state') {
      const st = str(p, 'state');
      if (!st) return;
      if (a.state !== null) {
        const start = Math.max(a.since, this.from);
        if (ts > start) bump(a.stateMs, a.state, ts - start);
      }
      if (on && st === 'dead' && a.state !== 'dead') bump(a.c, 'deaths');
      a.state = st;
      a.since = ts;
    } else if (on) bump(a.c, t === 'agent.spawned' ? 'spawned' : t === 'agent.killed' ? 'killed' : 'screen_unrecognized');
  }

  private message(t: string, p: P, on: boolean): void {
    const bus = this.state.bus;
    const ids = t === 'relay.sent' ? [str(p, 'id') ?? ''] : strs(p, 'ids');
    if (t === 'message.delivering' || t === 'message.deferred' || t === 'relay.sent') for (const id of ids) bus.inflight.add(id);
    if (t === 'message.delivered' || t === 'message.failed') for (const id of ids) bus.inflight.delete(id);
    if (!on) return;
    const to = str(p, 'to');
    if (t === 'message.delivered') {
      bump(bus.c, 'delivered', ids.length);
      const ms = num(p, 'ms');
      if (ms !== undefined) bus.latency.add(ms);
      if (to) bump(agentOf(this.state, to).c, 'messages_in', ids.length);
    } else if (t === 'message.failed') {
      bump(bus.c, 'failed', ids.length);
      if (to) bump(agentOf(this.state, to).c, 'messages_failed', ids.length);
    } else if (t === 'message.quarantined') bump(bus.c, 'quarantined');
    else if (t === 'message.deferred') bump(bus.c, 'deferred', ids.length);
    else if (t === 'relay.sent') {
      bump(bus.c, 'relayed');
      const from = str(p, 'from');
      if (from) bump(agentOf(this.state, from).c, 'messages_out');
    }
  }

  private task(t: string, p: P, ts: number, on: boolean): void {
    const id = str(p, 'id');
    if (!id) return;
    const tasks = this.state.tasks;
    if (t === 'task.added') {
      tasks.set(id, { agent: str(p, 'agent') ?? null, labels: strs(p, 'labels'), start: null });
      if (on) bump(this.state.bus.c, 'tasks_added');
      return;
    }
    const m = tasks.get(id);
    if (t === 'task.assigned') {
      const agent = str(p, 'agent') ?? null;
      if (m) Object.assign(m, { agent, start: ts });
      else tasks.set(id, { agent, labels: [], start: ts });
      return;
    }
    if (t === 'task.started') {
      if (m) m.start = ts;
      return;
    }
    tasks.delete(id);
    if (!on || !m?.agent) return;
    const a = agentOf(this.state, m.agent);
    const key = t === 'task.done' ? 'tasks_done' : t === 'task.failed' ? 'tasks_failed' : t === 'task.timed-out' ? 'tasks_timed_out' : 'tasks_cancelled';
    bump(a.c, key);
    if (t === 'task.cancelled') return;
    a.recent.push({ ok: t === 'task.done', ms: m.start === null ? 0 : ts - m.start, labels: m.labels });
    if (a.recent.length > RECENT_KEPT) a.recent.shift();
  }

  private run(t: string, p: P, ts: number, on: boolean): void {
    const s = this.state;
    const runId = str(p, 'runId');
    if (!runId) return;
    if (t === 'run.started') {
      const pipeline = str(p, 'pipeline') ?? '?';
      s.runs.set(runId, pipeline);
      if (on) bump(pipelineOf(s, pipeline).c, 'runs');
      return;
    }
    const pipeline = str(p, 'pipeline') ?? s.runs.get(runId) ?? '?';
    if (t === 'run.finished') {
      const outcome = str(p, 'outcome') ?? '?';
      if (outcome !== 'interrupted') s.runs.delete(runId);
      if (on) bump(pipelineOf(s, pipeline).c, outcome);
      return;
    }
    if (!on) return;
    const pm = pipelineOf(s, pipeline);
    if (t === 'stage.retry') bump(pm.c, 'retries');
    else if (t === 'stage.escalated') bump(pm.c, 'escalations');
    else if (t === 'stage.finished') {
      const stage = str(p, 'stage') ?? '?';
      const outcome = str(p, 'outcome');
      const ms = num(p, 'durationMs');
      if (ms !== undefined && (outcome === 'passed' || outcome === 'failed')) samplesOf(pm.stages, stage).add(ms);
      if (outcome === 'failed') {
        bump(pm.c, 'stages_failed');
        s.failures.push({ runId, pipeline, ts, stage, error: str(p, 'error') ?? str(p, 'reason') ?? '' });
        if (s.failures.length > FAILURES_KEPT) s.failures.shift();
      }
    }
  }

  private recovery(t: string, p: P, on: boolean): void {
    if (!on) return;
    const level = str(p, 'level') ?? (typeof p.level === 'number' ? String(p.level) : undefined);
    if (level === undefined) return;
    const what = t.slice('recovery.'.length).replace('-', '_');
    const lm = levelOf(this.state, level);
    bump(lm.c, what);
    const ms = num(p, 'durationMs');
    if (t === 'recovery.succeeded' && ms !== undefined) lm.ttr.add(ms);
    const agent = str(p, 'agent');
    if (agent && t === 'recovery.attempt') bump(agentOf(this.state, agent).recoveries, level);
  }

  private usage(p: P): void {
    const agent = str(p, 'agent');
    if (!agent) return;
    const a = agentOf(this.state, agent);
    const add = (c: Record<string, number>) => {
      for (const k of ['input', 'output', 'cacheCreation', 'cacheRead'] as const) bump(c, `tokens_${k}`, num(p, k) ?? 0);
      bump(c, 'cost_usd_estimate', num(p, 'costUsd') ?? 0);
    };
    add(a.c);
    const task = str(p, 'task');
    const run = str(p, 'runId');
    if (task) add(this.state.usageByTask.get(task) ?? (this.state.usageByTask.set(task, {}).get(task) as Record<string, number>));
    if (run) add(this.state.usageByRun.get(run) ?? (this.state.usageByRun.set(run, {}).get(run) as Record<string, number>));
    const ctx = num(p, 'contextTokens');
    const win = num(p, 'window');
    if (ctx !== undefined && win) a.context = { tokens: ctx, window: win, model: str(p, 'model') ?? '?' };
  }
}

export { emptyState };
