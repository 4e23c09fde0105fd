/**
 * What the metrics fold keeps (fold.ts writes it, series.ts and report.ts read it, checkpoint.ts
 * saves it). Counters are plain name → number records so a new measure is one key, not a field.
 */
import { Samples, type SamplesData } from './samples.js';

export type Counters = Record<string, number>;

/** One finished task of an agent: the router's tie-breaker reads the recent ones. */
export interface Outcome {
  ok: boolean;
  ms: number;
  labels: string[];
}

export interface AgentM {
  c: Counters;
  /** Milliseconds spent in each state (closed intervals; the open one is added when read). */
  stateMs: Counters;
  /** Recovery attempts by level. */
  recoveries: Counters;
  state: string | null;
  since: number;
  recent: Outcome[];
  /** The last usage report: tokens in the context now, the model's window. */
  context: { tokens: number; window: number; model: string } | null;
}

export interface PipelineM {
  c: Counters;
  stages: Map<string, Samples>;
}

export interface TriggerM {
  activations: number;
  latency: Samples;
}

export interface LevelM {
  c: Counters;
  /** Time to recover (recovery.succeeded durationMs). */
  ttr: Samples;
}

export interface TaskMemo {
  agent: string | null;
  labels: string[];
  start: number | null;
}

export interface FoldState {
  /** Seq of the last record folded. */
  lastSeq: number;
  firstTs: number | null;
  lastTs: number | null;
  agents: Map<string, AgentM>;
  pipelines: Map<string, PipelineM>;
  triggers: Map<string, TriggerM>;
  levels: Map<string, LevelM>;
  bus: { c: Counters; inflight: Set<string>; latency: Samples };
  /** Figures set from outside (`miyabi metric set ctr 0.025`). */
  external: Map<string, number>;
  /** Token usage by task and by run (agents keep theirs in AgentM.c). */
  usageByTask: Map<string, Counters>;
  usageByRun: Map<string, Counters>;
  notify: Counters;
  /** Memory needed to attribute later records: which agent has a task, which pipeline a run is. */
  tasks: Map<string, TaskMemo>;
  runs: Map<string, string>;
  /** Runs that failed, with the error of their failed stage, newest last (error reports). */
  failures: { runId: string; pipeline: string; ts: number; stage: string | null; error: string }[];
}

export function emptyState(): FoldState {
  return {
    lastSeq: 0, firstTs: null, lastTs: null,
    agents: new Map(), pipelines: new Map(), triggers: new Map(), levels: new Map(),
    bus: { c: {}, inflight: new Set(), latency: new Samples() },
    external: new Map(), usageByTask: new Map(), usageByRun: new Map(), notify: {},
    tasks: new Map(), runs: new Map(), failures: [],
  };
}

export function bump(c: Counters, key: string, by = 1): void {
  c[key] = (c[key] ?? 0) + by;
}

export function agentOf(s: FoldState, name: string): AgentM {
  let a = s.agents.get(name);
  if (!a) {
    a = { c: {}, stateMs: {}, recoveries: {}, state: null, since: 0, recent: [], context: null };
    s.agents.set(name, a);
  }
  return a;
}

export function pipelineOf(s: FoldState, name: string): PipelineM {
  let p = s.pipelines.get(name);
  if (!p) {
    p = { c: {}, stages: new Map() };
    s.pipelines.set(name, p);
  }
  return p;
}

export function levelOf(s: FoldState, level: string): LevelM {
  let l = s.levels.get(level);
  if (!l) {
    l = { c: {}, ttr: new Samples() };
    s.levels.set(level, l);
  }
  return l;
}

export function samplesOf(m: Map<string, Samples>, key: string): Samples {
  let v = m.get(key);
  if (!v) {
    v = new Samples();
    m.set(key, v);
  }
  return v;
}

// ---- saving and loading (checkpoint.ts) ----

type Json = Record<string, unknown>;
const mapOut = <V>(m: Map<string, V>, f: (v: V) => unknown) => [...m].map(([k, v]) => [k, f(v)]);
function mapIn<V>(x: unknown, f: (v: never) => V): Map<string, V> {
  return new Map(Array.isArray(x) ? (x as [string, never][]).map(([k, v]) => [k, f(v)]) : []);
}

export function stateToJson(s: FoldState): Json {
  return {
    lastSeq: s.lastSeq, firstTs: s.firstTs, lastTs: s.lastTs,
    agents: mapOut(s.agents, (a) => a),
    pipelines: mapOut(s.pipelines, (p) => ({ c: p.c, stages: mapOut(p.stages, (x) => x.toJSON()) })),
    triggers: mapOut(s.triggers, (t) => ({ activations: t.activations, latency: t.latency.toJSON() })),
    levels: mapOut(s.levels, (l) => ({ c: l.c, ttr: l.ttr.toJSON() })),
    bus: { c: s.bus.c, inflight: [...s.bus.inflight], latency: s.bus.latency.toJSON() },
    external: [...s.external], usageByTask: [...s.usageByTask], usageByRun: [...s.usageByRun], notify: s.notify,
    tasks: [...s.tasks], runs: [...s.runs], failures: s.failures,
  };
}

export function stateFromJson(j: Json): FoldState {
  const bus = (j.bus ?? {}) as { c?: Counters; inflight?: string[]; latency?: SamplesData };
  return {
    lastSeq: Number(j.lastSeq ?? 0), firstTs: (j.firstTs as number | null) ?? null, lastTs: (j.lastTs as number | null) ?? null,
    agents: mapIn(j.agents, (a: AgentM) => a),
    pipelines: mapIn(j.pipelines, (p: { c: Counters; stages: unknown }) => ({ c: p.c, stages: mapIn(p.stages, (x: SamplesData) => Samples.from(x)) })),
    triggers: mapIn(j.triggers, (t: { activations: number; latency: SamplesData }) => ({ activations: t.activations, latency: Samples.from(t.latency) })),
    levels: mapIn(j.levels, (l: { c: Counters; ttr: SamplesData }) => ({ c: l.c, ttr: Samples.from(l.ttr) })),
    bus: { c: bus.c ?? {}, inflight: new Set(bus.inflight ?? []), latency: Samples.from(bus.latency) },
    external: mapIn(j.external, (v: number) => v),
    usageByTask: mapIn(j.usageByTask, (v: Counters) => v),
    usageByRun: mapIn(j.usageByRun, (v: Counters) => v),
    notify: (j.notify as Counters | undefined) ?? {},
    tasks: mapIn(j.tasks, (v: TaskMemo) => v),
    runs: mapIn(j.runs, (v: string) => v),
    failures: (j.failures as FoldState['failures'] | undefined) ?? [],
  };
}
