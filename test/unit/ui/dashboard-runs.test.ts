import { describe, expect, it } from 'vitest';
import { applyRunEvent, runLines, RUNS_SHOWN, runsFromList, type RunLine } from '../../../src/ui/dashboard/runs.js';

const ev = (type: string, payload: Record<string, unknown>, ts = 1000) => ({ ts, type, payload });

describe('dashboard runs', () => {
  it('follows a run from start to end, newest first, and keeps only the newest few', () => {
    let runs: RunLine[] = [];
    for (let i = 0; i < RUNS_SHOWN + 2; i++) runs = applyRunEvent(runs, ev('run.started', { runId: `r${i}`, pipeline: 'p' }, i));
    expect(runs.map((r) => r.runId)).toEqual(['r6', 'r5', 'r4', 'r3', 'r2']);
    runs = applyRunEvent(runs, ev('stage.started', { runId: 'r5', stage: 'build' }));
    runs = applyRunEvent(runs, ev('run.finished', { runId: 'r5', outcome: 'failed', durationMs: 2500 }));
    expect(runs[1]).toMatchObject({ runId: 'r5', status: 'failed', stage: 'build', durationMs: 2500 });
    expect(runLines(runs, Infinity, 10_000)[1]).toBe('r5  failed      2.5 s  last build');
    expect(runLines(runs, Infinity, 10_000)[0]).toBe('r6  running    10.0 s');
  });

  it('ignores events of no run, and stage events of runs it does not show', () => {
    const runs: RunLine[] = [];
    expect(applyRunEvent(runs, ev('message.delivered', { id: 'x' }))).toBe(runs);
    expect(applyRunEvent(runs, ev('stage.started', { runId: 'gone', stage: 's' }))).toBe(runs);
  });

  it('seeds from runs.list (oldest first there, newest first here) and says when there are none', () => {
    const rows = [1, 2, 3, 4, 5, 6].map((n) => ({ runId: `r${n}`, pipeline: 'p', status: 'succeeded', startedAt: n, durationMs: n, stages: [{ name: 's', outcome: 'passed' }] }));
    expect(runsFromList(rows).map((r) => r.runId)).toEqual(['r6', 'r5', 'r4', 'r3', 'r2']);
    expect(runLines([])).toEqual(['no pipeline runs yet (miyabi run <pipeline>)']);
  });
});
