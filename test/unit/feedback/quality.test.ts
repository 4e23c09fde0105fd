import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureInbox, inboxPaths } from '../../../src/bus/layout.js';
import { writeMessage } from '../../../src/bus/writer.js';
import type { EventSink } from '../../../src/core/events/index.js';
import { QualityLoop } from '../../../src/feedback/loops/quality.js';
import { runDir } from '../../../src/pipelines/run-dir.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'miyabi-fbq-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

let seq = 0;
const rec = (type: string, payload: Record<string, unknown>) => ({ seq: ++seq, ts: Date.now(), type, payload });

function loop() {
  const journal: { type: string; payload: unknown }[] = [];
  const bus = join(root, '.miyabi', 'bus');
  ensureInbox(bus, 'a1');
  const q = new QualityLoop({
    root,
    journal: { append: (type: string, payload: unknown) => journal.push({ type, payload }), appendDurable: () => {} } as unknown as EventSink,
    send: (to, text) => writeMessage(bus, { from: 'miyabi', to, text }).id,
  });
  return { q, journal, inbox: () => { const p = inboxPaths(bus, 'a1'); return readdirSync(p.new).map((f) => readFileSync(join(p.new, f), 'utf8')); } };
}

describe('the quality loop', () => {
  it("a failed test stage's error and log tail go to the agent spawned on the run's branch, as a message", () => {
    const { q, journal, inbox } = loop();
    mkdirSync(runDir(root, 'r1'), { recursive: true });
    writeFileSync(join(runDir(root, 'r1'), 'test.log'), '$ npm test\nFAIL src/a.test.ts\n  expected 1 to be 2\n');
    q.onRecord(rec('agent.spawned', { name: 'a1', paneId: '%1', worktree: '/w', branch: 'miyabi/a1', command: 'claude' }));
    q.onRecord(rec('run.started', { runId: 'r1', pipeline: 'ci', branch: 'miyabi/a1' }));
    q.onRecord(rec('stage.finished', { runId: 'r1', stage: 'build', outcome: 'passed' }));
    q.onRecord(rec('stage.finished', { runId: 'r1', stage: 'deploy', outcome: 'failed', error: 'not ours' }));
    q.onRecord(rec('stage.finished', { runId: 'r1', stage: 'test', outcome: 'failed', error: 'npm exited with code 1' }));
    const got = inbox();
    expect(got).toHaveLength(1);
    expect(got[0]).toContain('stage test of run r1 (ci) failed on your branch miyabi/a1: npm exited with code 1');
    expect(got[0]).toContain('expected 1 to be 2');
    expect(journal).toEqual([{ type: 'quality.reported', payload: expect.objectContaining({ runId: 'r1', stage: 'test', agent: 'a1' }) }]);
  });

  it('a run on a branch no agent owns sends nothing', () => {
    const { q, journal, inbox } = loop();
    q.onRecord(rec('run.started', { runId: 'r2', pipeline: 'ci', branch: 'main' }));
    q.onRecord(rec('stage.finished', { runId: 'r2', stage: 'lint', outcome: 'failed', error: 'x' }));
    expect(inbox()).toHaveLength(0);
    expect(journal).toHaveLength(0);
  });

  it('the agent a run handed work to gets it, whatever the branch', () => {
    const { q, inbox } = loop();
    q.onRecord(rec('run.started', { runId: 'r3', pipeline: 'ci', branch: 'main' }));
    q.onRecord(rec('pipeline.assigned', { runId: 'r3', stage: 'code', agent: 'a1', paneId: '%1', worktree: null }));
    q.onRecord(rec('stage.finished', { runId: 'r3', stage: 'typecheck', outcome: 'failed', error: 'TS2322' }));
    expect(inbox().join('')).toContain('TS2322');
  });
});
