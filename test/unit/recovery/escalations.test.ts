import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { watchEscalations } from '../../../src/recovery/escalations.js';

describe('a pipeline stage that escalates', () => {
  it("hands the agent that ran its run to the ladder, and no one for a run without an agent", () => {
    const j = Journal.open(mkdtempSync(join(tmpdir(), 'esc-')));
    const seen: [string, string][] = [];
    const stop = watchEscalations(j, (a, why) => seen.push([a, why]));
    j.append('pipeline.assigned', { runId: 'r1', stage: 'code', agent: 'coder', paneId: '%3', worktree: null });
    j.append('stage.escalated', { runId: 'r1', pipeline: 'dev', stage: 'test', attempts: 3, error: 'tests failed\nmore', next: null });
    j.append('stage.escalated', { runId: 'r2', pipeline: 'dev', stage: 'lint', attempts: 2, error: 'x', next: null });
    expect(seen).toEqual([['coder', 'pipeline dev stage test escalated after 3 tries: tests failed']]);
    stop();
    j.append('stage.escalated', { runId: 'r1', pipeline: 'dev', stage: 'test', attempts: 3, error: 'again', next: null });
    expect(seen).toHaveLength(1);
    j.close();
  });
});
