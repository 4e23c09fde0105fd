/**
 * A run's state is a fold of its journal records: `miyabi runs`, the reports and a resumed runner
 * all read it the same way. Event types (every stage event carries its duration when it ends):
 *
 *   run.started      {runId, pipeline, source, hash, vars, branch, root, cwd, pid, entry}
 *   stage.started    {stage, attempt}
 *   action.finished  {stage, action, attempt, ok, durationMs, error?}
 *   stage.retry      {stage, attempt, error, delayMs}
 *   stage.escalated  {stage, attempts, error, next}
 *   stage.backgrounded {stage, next}                  (a continuous stage started; the run moves on)
 *   stage.finished   {stage, outcome, attempts, durationMs, output?, outputs?, error?, reason?, next, via, unhandledFailure}
 *   run.resumed      {from, restarted?, pid}    run.interrupted {reason}   (the host stopped; resumable)
 *   run.finished     {outcome, durationMs}
 */
import type { RunEventSink } from '../core/events/index.js';

export interface JournalRecordLike {
  seq: number;
  ts: number;
  type: string;
  payload: unknown;
}

/** What a runner needs of a journal (core/journal.ts's Journal is one). */
export interface JournalLike extends RunEventSink {
  replay(afterSeq?: number): Iterable<JournalRecordLike>;
}

export type StageOutcome = 'passed' | 'failed' | 'skipped' | 'stopped' | 'cancelled' | 'running';
export type RunOutcome = 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface StageRecord {
  name: string;
  outcome: StageOutcome;
  attempts: number;
  startedAt: number;
  durationMs?: number;
  error?: string;
  reason?: string;
  output?: string;
  escalated?: boolean;
  continuous?: boolean;
}

export interface RunState {
  runId: string;
  pipeline: string;
  source: string;
  hash: string;
  vars: Record<string, string>;
  branch: string;
  root: string;
  cwd: string;
  pid: number;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  outcome?: RunOutcome;
  reason?: string;
  /** In the order they ran (a stage visited twice appears twice). */
  stages: StageRecord[];
  outputs: Record<string, string>;
  /** The stage to run next: undefined before any stage ended (→ the entry), null when the path has ended. */
  position: string | null;
  /** An unhandled failure happened: only stages with a holding condition still run. */
  unhandledFailure: boolean;
  anyFailed: boolean;
  /** Continuous stages started and not yet finished. */
  background: string[];
  resumes: number;
}

type P = Record<string, unknown>;

const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function openRecord(st: RunState, name: string): StageRecord | undefined {
  for (let i = st.stages.length - 1; i >= 0; i--) {
    const r = st.stages[i] as StageRecord;
    if (r.name === name && r.outcome === 'running') return r;
  }
  return undefined;
}

/** Folds records into a state; null when there is no run.started. */
export function foldRun(records: Iterable<JournalRecordLike>): RunState | null {
  let st: RunState | null = null;
  for (const rec of records) {
    const p = (rec.payload ?? {}) as P;
    if (rec.type === 'run.started') {
      st = {
        runId: s(p['runId']) ?? '', pipeline: s(p['pipeline']) ?? '', source: s(p['source']) ?? '', hash: s(p['hash']) ?? '',
        vars: (p['vars'] as Record<string, string>) ?? {}, branch: s(p['branch']) ?? '', root: s(p['root']) ?? '', cwd: s(p['cwd']) ?? '',
        pid: n(p['pid']) ?? 0, startedAt: rec.ts, stages: [], outputs: {}, position: s(p['entry']) ?? null,
        unhandledFailure: false, anyFailed: false, background: [], resumes: 0,
      };
      continue;
    }
    if (st === null) continue;
    const stage = s(p['stage']) ?? '';
    switch (rec.type) {
      case 'stage.started': {
        const open = openRecord(st, stage);
        if (open) open.attempts = n(p['attempt']) ?? open.attempts + 1;
        else st.stages.push({ name: stage, outcome: 'running', attempts: n(p['attempt']) ?? 1, startedAt: rec.ts, ...(p['continuous'] === true ? { continuous: true } : {}) });
        break;
      }
      case 'stage.escalated': {
        const open = openRecord(st, stage);
        if (open) open.escalated = true;
        break;
      }
      case 'stage.backgrounded':
        st.position = (p['next'] as string | null) ?? null;
        if (!st.background.includes(stage)) st.background.push(stage);
        break;
      case 'stage.finished': {
        let r = openRecord(st, stage);
        if (!r) {
          r = { name: stage, outcome: 'running', attempts: 0, startedAt: rec.ts };
          st.stages.push(r);
        }
        r.outcome = (s(p['outcome']) as StageOutcome) ?? 'failed';
        r.attempts = n(p['attempts']) ?? r.attempts;
        r.durationMs = n(p['durationMs']) ?? rec.ts - r.startedAt;
        for (const k of ['error', 'reason', 'output'] as const) if (s(p[k]) !== undefined) r[k] = s(p[k]) as string;
        Object.assign(st.outputs, (p['outputs'] as Record<string, string>) ?? {});
        if (r.outcome === 'failed') st.anyFailed = true;
        if (p['unhandledFailure'] === true) st.unhandledFailure = true;
        if (st.background.includes(stage)) st.background = st.background.filter((b) => b !== stage);
        else st.position = (p['next'] as string | null) ?? null;
        break;
      }
      case 'run.resumed':
        // Whatever was running when the controller died ended with it; the resumed run starts it afresh.
        st.resumes++;
        st.pid = n(p['pid']) ?? st.pid;
        delete st.reason;
        for (const r of st.stages) {
          if (r.outcome !== 'running') continue;
          r.outcome = 'stopped';
          r.reason = 'interrupted: the process running it died';
          r.durationMs = rec.ts - r.startedAt;
        }
        break;
      case 'run.interrupted':
        st.reason = s(p['reason']) ?? 'interrupted';
        break;
      case 'run.finished':
        st.outcome = s(p['outcome']) as RunOutcome;
        st.endedAt = rec.ts;
        st.durationMs = n(p['durationMs']) ?? rec.ts - st.startedAt;
        break;
    }
  }
  return st;
}
