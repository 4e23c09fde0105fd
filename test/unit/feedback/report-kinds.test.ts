import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printRunRecord } from '../../../src/cli/run-progress.js';
import { metricsReport } from '../../../src/feedback/report-file.js';
import { T0, writeScript } from './scripted.js';

describe('report kinds for pipelines', () => {
  it('a daily summary counts the last day only; a monthly report the last 30 days', () => {
    const dir = mkdtempSync(join(tmpdir(), 'miyabi-fbk-'));
    try {
      writeScript(dir);
      // Two days after the script: the day is empty, the month holds it all.
      const daily = metricsReport(dir, 'daily', T0 + 2 * 86_400_000);
      expect(daily).toContain('# Daily summary');
      expect(daily).not.toContain('build-test');
      const monthly = metricsReport(dir, 'monthly', T0 + 2 * 86_400_000);
      expect(monthly).toContain('# Monthly report');
      expect(monthly).toMatch(/\| build-test \| 2 \| 1 \| 1 \| 0\.5 \| 1 \| 1 \|/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the run’s progress names the report file a stage wrote', () => {
    const out: string[] = [];
    printRunRecord('r1', { type: 'stage.finished', payload: { runId: 'r1', stage: 'report', outcome: 'passed', attempts: 1, durationMs: 5, output: '/p/.miyabi/reports/r1-daily.md' } }, (s) => out.push(s));
    expect(out.join('')).toContain('  report: /p/.miyabi/reports/r1-daily.md\n');
  });
});
