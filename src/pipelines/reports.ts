/**
 * The reporting built-ins' output: markdown under `.miyabi/reports/`, written from the run's own
 * records (never made up), with the tail of each failed stage's log.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-write.js';
import { join } from 'node:path';
import { formatMs } from '../core/duration.js';
import type { RunState, StageRecord } from './run-state.js';

function logTail(logDir: string, stage: string, lines = 20): string {
  const f = join(logDir, `${stage}.log`);
  if (!existsSync(f)) return '';
  const text = readFileSync(f, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

function row(r: StageRecord): string {
  const what = r.error ?? r.reason ?? '';
  return `| ${r.name} | ${r.outcome}${r.escalated ? ' (escalated)' : ''} | ${r.attempts} | ${formatMs(r.durationMs)} | ${what.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`;
}

export function renderReport(kind: 'error' | 'success' | 'content', st: RunState, logDir: string, now = Date.now()): string {
  const title = kind === 'error' ? 'Error report' : kind === 'success' ? 'Success report' : 'Content created';
  const done = st.stages.filter((r) => r.outcome !== 'running');
  const out = [
    `# ${title}: ${st.pipeline} (${st.runId})`,
    '',
    `- started: ${new Date(st.startedAt).toISOString()}; written ${formatMs(now - st.startedAt)} later`,
    `- branch: ${st.branch || '(none)'}`,
    '',
    '| stage | outcome | tries | duration | detail |',
    '| --- | --- | --- | --- | --- |',
    ...done.map(row),
  ];
  if (kind === 'content') {
    const entries = Object.entries(st.outputs);
    out.push('', '## Outputs', '', ...(entries.length ? entries.map(([k, v]) => `- **${k}**: ${v}`) : ['(no stage produced an output)']));
  }
  for (const r of done.filter((x) => x.outcome === 'failed')) {
    const tail = logTail(logDir, r.name);
    out.push('', `## ${r.name} failed`, '', r.error ?? '', ...(tail ? ['', '```', tail, '```'] : []));
  }
  return out.join('\n') + '\n';
}

/** Writes the report atomically and returns its path. */
export function writeReport(reportsDir: string, runId: string, kind: 'error' | 'success' | 'content' | 'daily' | 'monthly', text: string): string {
  mkdirSync(reportsDir, { recursive: true });
  const file = join(reportsDir, `${runId}-${kind}.md`);
  writeFileAtomic(file, text, { mode: 0o644, what: 'report' });
  return file;
}
