import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trustState } from '../../../src/core/state-trust.js';
import { saveCheckpoint } from '../../../src/feedback/checkpoint.js';
import { foldJournal } from '../../../src/feedback/metrics.js';
import { buildReport, renderMarkdown } from '../../../src/feedback/report.js';
import { readerOf, toSeries } from '../../../src/feedback/series.js';
import { makeProject } from '../../helpers/project.js';
import { EXPECTED, SCRIPT, T0, writeScript } from './scripted.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'miyabi-fb-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const now = T0 + 60_000;

describe('metrics folded from a scripted journal', () => {
  it('gives the exact figures per agent, pipeline, trigger, bus and recovery', () => {
    writeScript(dir);
    const r = buildReport(foldJournal(dir).state, { kind: 'summary', from: 0, now });
    expect(r).toMatchObject(EXPECTED);
    expect(r.lastSeq).toBe(SCRIPT.length);
  });

  it('a checkpoint plus the records after it folds to the same figures as the whole journal', () => {
    const half = 17;
    writeScript(dir, SCRIPT.slice(0, half));
    saveCheckpoint(dir, foldJournal(dir).state);
    writeScript(dir, SCRIPT.slice(half), half + 1, true);
    const warm = foldJournal(dir, { stateDir: dir });
    expect(buildReport(warm.state, { kind: 'summary', from: 0, now })).toMatchObject(EXPECTED);
  });

  it('--since counts only records from then, but remembers who had which task before it', () => {
    writeScript(dir);
    const from = T0 + 5500;
    const r = buildReport(foldJournal(dir, { from }).state, { kind: 'summary', from, now });
    const a1 = r.agents.find((a) => a.name === 'a1');
    // T2 was assigned after `from`; T1's done (5000) is before it. busy 6000-8000, idle 5500-6000.
    expect(a1?.tasks).toEqual({ done: 0, failed: 1, timedOut: 0, cancelled: 0 });
    expect(a1?.seconds).toEqual({ busy: 2, idle: 0.5, waiting: 1 });
    expect(r.pipelines[0]?.runs).toBe(2);
    expect(r.bus.delivered).toBe(0);
  });

  it('series answer condition triggers by name, with and without labels', () => {
    writeScript(dir);
    const st = foldJournal(dir).state;
    const m = readerOf(() => toSeries(st, { now }));
    expect(m.value('agent.failure_rate', { agent: 'a1' })).toBe(0.5);
    expect(m.value('agent.failure_rate')).toBe(0.5);
    expect(m.value('agent.tasks_done')).toBe(1);
    expect(m.value('ctr')).toBe(0.025);
    expect(m.value('pipeline.success_rate', { pipeline: 'build-test' })).toBe(0.5);
    expect(m.value('nope')).toBeUndefined();
    expect(m.names()).toContain('bus.delivery_latency_ms');
  });

  it('a line that is not a record stops the report with its file and line', () => {
    writeScript(dir, SCRIPT.slice(0, 3));
    writeFileSyncAppend(join(dir, 'journal', 'events.jsonl'), 'garbage\n');
    expect(() => foldJournal(dir)).toThrow(/events\.jsonl:4: not a journal record/);
  });

  it('markdown names the estimate and the failure', () => {
    writeScript(dir);
    const md = renderMarkdown(buildReport(foldJournal(dir).state, { kind: 'errors', from: 0, now }));
    expect(md).toContain('# Error report');
    expect(md).toContain('tests failed');
    expect(md).toContain('ESTIMATES');
  });
});

function writeFileSyncAppend(p: string, s: string): void {
  appendFileSync(p, s);
}

describe('miyabi report --json (controller down)', () => {
  it('reads the journal itself and prints the exact figures', async () => {
    const p = makeProject('miyabi-fb');
    try {
      trustState(p.root, { create: true, git: true });
      writeScript(join(p.root, '.miyabi'));
      const r = await p.miyabi(['report', '--json']);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const got = JSON.parse(r.stdout);
      // Open intervals run to "now" in the CLI; the scripted agents all end dead, so none is open.
      expect(got).toMatchObject(EXPECTED);
      const m = await p.miyabi(['metrics']);
      expect(m.stdout).toMatch(/^miyabi_agent_tasks_done_total\{agent="a1"\} 1$/m);
    } finally {
      await p.cleanup();
    }
  });
});
