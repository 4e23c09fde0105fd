/**
 * Journal records turned into what rules listen for: agent state changes become `agent.idle`,
 * `agent.waiting`, `agent.dead` …, the task queue filling becomes `queue.not-empty`, and every other
 * record (run.finished, task.added …) is an event of its own type. Also keeps the facts probes read
 * (how long an agent has been unresponsive, the last outcome of each stage).
 */
import type { Facts } from './probes.js';
import type { TriggerEvent } from './match.js';

interface Rec {
  seq: number;
  ts: number;
  type: string;
  payload: unknown;
}

/** The engine's own records never feed rules back (a rule on `**` would fire on its own firing). */
const OWN = /^(trigger|event)\./;

const STATE_EVENT: Record<string, string> = { 'waiting-for-input': 'waiting', 'rate-limited': 'rate-limited' };

export class JournalFacts implements Facts {
  private readonly agents = new Map<string, { state: string; since: number }>();
  private readonly stages = new Map<string, number>();
  private readonly runs = new Map<string, string>();
  private queued = 0;

  constructor(private readonly queueLength: () => number = () => 0) {
    this.queued = queueLength();
  }

  /** The events a record stands for (none for the engine's own records). */
  events(r: Rec): TriggerEvent[] {
    if (OWN.test(r.type)) return [];
    const data = r.payload !== null && typeof r.payload === 'object' && !Array.isArray(r.payload) ? (r.payload as Record<string, unknown>) : {};
    const base = { ts: r.ts, source: 'journal' };
    const out: TriggerEvent[] = [{ ...base, id: `journal-${r.seq}`, type: r.type, data }];
    this.learn(r.type, data, r.ts);
    if (r.type === 'agent.state') {
      const state = String(data['state']);
      out.push({ ...base, id: `journal-${r.seq}-agent`, type: `agent.${STATE_EVENT[state] ?? state}`, data: { agent: data['name'], reason: data['reason'], signal: data['signal'] } });
    }
    if (r.type.startsWith('task.')) {
      const before = this.queued;
      this.queued = this.queueLength();
      if (before === 0 && this.queued > 0) out.push({ ...base, id: `journal-${r.seq}-queue`, type: 'queue.not-empty', data: { count: this.queued, task: data['id'] } });
    }
    return out;
  }

  private learn(type: string, p: Record<string, unknown>, ts: number): void {
    if (type === 'agent.state' && typeof p['name'] === 'string') {
      const prev = this.agents.get(p['name']);
      const state = String(p['state']);
      if (prev?.state !== state) this.agents.set(p['name'], { state, since: ts });
    } else if (type === 'agent.killed' && typeof p['name'] === 'string') this.agents.delete(p['name']);
    else if (type === 'run.started' && typeof p['runId'] === 'string') this.runs.set(p['runId'], String(p['pipeline']));
    else if (type === 'stage.finished' && typeof p['runId'] === 'string' && typeof p['stage'] === 'string') {
      const failed = p['outcome'] === 'failed' ? 1 : p['outcome'] === 'passed' ? 0 : undefined;
      if (failed === undefined) return;
      this.stages.set(`*/${p['stage']}`, failed);
      const pipeline = this.runs.get(p['runId']);
      if (pipeline) this.stages.set(`${pipeline}/${p['stage']}`, failed);
    }
  }

  /** Brings the facts up to date from earlier records (no events). */
  restore(records: Iterable<Rec>): void {
    for (const r of records) {
      if (OWN.test(r.type)) continue;
      const data = r.payload !== null && typeof r.payload === 'object' ? (r.payload as Record<string, unknown>) : {};
      this.learn(r.type, data, r.ts);
    }
    this.queued = this.queueLength();
  }

  unresponsiveSeconds(agent: string | undefined, now: number): number {
    const sec = (a?: { state: string; since: number }) => (a?.state === 'unresponsive' ? (now - a.since) / 1000 : 0);
    if (agent !== undefined) return sec(this.agents.get(agent));
    return Math.max(0, ...[...this.agents.values()].map(sec));
  }

  stageFailed(stage: string, pipeline: string | undefined): number | undefined {
    return this.stages.get(`${pipeline ?? '*'}/${stage}`);
  }
}
