/**
 * The dashboard's pipeline runs: the newest few, kept current from the journal events the
 * dashboard already receives (run.*, stage.*), seeded from `runs.list` when it connects. Pure, so
 * what a person reads is unit-tested without a terminal.
 */
import { formatMs } from '../../core/duration.js';
import { truncate } from './view.js';

export interface RunLine {
  runId: string;
  pipeline: string;
  /** running, succeeded, failed, cancelled, interrupted, queued. */
  status: string;
  /** The stage running now, or the last one that ended. */
  stage: string;
  startedAt: number;
  durationMs?: number;
}

export const RUNS_SHOWN = 5;

interface Event {
  ts: number;
  type: string;
  payload: unknown;
}

/** What `runs.list` answers (src/pipelines/run-dir.ts RunSummary), as far as the dashboard reads it. */
export interface RunRowIn {
  runId: string;
  pipeline: string;
  status: string;
  startedAt: number;
  durationMs?: number;
  stages: { name: string; outcome: string }[];
}

export function runsFromList(rows: RunRowIn[]): RunLine[] {
  return rows.slice(-RUNS_SHOWN).reverse().map((r) => ({
    runId: r.runId, pipeline: r.pipeline, status: r.status, stage: r.stages.at(-1)?.name ?? '', startedAt: r.startedAt,
    ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}),
  }));
}

/** The runs after one journal event (newest first); the same array when the event is not about a run. */
export function applyRunEvent(runs: RunLine[], e: Event): RunLine[] {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const runId = typeof p['runId'] === 'string' ? p['runId'] : undefined;
  if (runId === undefined) return runs;
  const at = runs.findIndex((r) => r.runId === runId);
  const cur = runs[at];
  const put = (next: RunLine) => (at === -1 ? [next, ...runs].slice(0, RUNS_SHOWN) : runs.map((r, i) => (i === at ? next : r)));
  switch (e.type) {
    case 'run.started':
    case 'run.queued':
      return put({ runId, pipeline: String(p['pipeline'] ?? '?'), status: e.type === 'run.queued' ? 'queued' : 'running', stage: '', startedAt: e.ts });
    case 'run.resumed':
      return cur ? put({ ...cur, status: 'running' }) : runs;
    case 'stage.started':
      return cur ? put({ ...cur, status: 'running', stage: String(p['stage'] ?? '') }) : runs;
    case 'run.interrupted':
      return cur ? put({ ...cur, status: 'interrupted' }) : runs;
    case 'run.finished':
      return cur ? put({ ...cur, status: String(p['outcome'] ?? '?'), durationMs: typeof p['durationMs'] === 'number' ? p['durationMs'] : undefined }) : runs;
  }
  return runs;
}

/** One line per run: id, status, the stage, and how long (so far, for a live run). */
export function runLines(runs: RunLine[], width = Infinity, now = Date.now()): string[] {
  if (runs.length === 0) return ['no pipeline runs yet (miyabi run <pipeline>)'];
  const idW = Math.max(...runs.map((r) => r.runId.length));
  const stW = Math.max(...runs.map((r) => r.status.length));
  return runs.map((r) => {
    const took = r.durationMs ?? (r.status === 'running' ? now - r.startedAt : undefined);
    const stage = r.stage ? (r.status === 'running' ? `at ${r.stage}` : `last ${r.stage}`) : '';
    return truncate(`${r.runId.padEnd(idW)}  ${r.status.padEnd(stW)}  ${formatMs(took).padStart(8)}  ${stage}`.trimEnd(), width);
  });
}
