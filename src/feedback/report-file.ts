import { join } from 'node:path';
import { foldJournal } from './metrics.js';
import { KIND_WINDOW_MS, buildReport, renderMarkdown } from './report.js';

/** The markdown of a dated report kind over the journal in `miyabiDir` (pipelines' report actions). */
export function metricsReport(miyabiDir: string, kind: 'daily' | 'monthly', now = Date.now()): string {
  const from = now - (KIND_WINDOW_MS[kind] ?? 0);
  return renderMarkdown(buildReport(foldJournal(miyabiDir, { stateDir: join(miyabiDir, 'state'), from }).state, { kind, from, now }));
}
