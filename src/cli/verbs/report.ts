/**
 * `miyabi report [--kind K] [--since 1h] [--json|--md]`: the metrics over a window. With the
 * controller up it answers (live metrics); with it down the journal is read here.
 */
import { MiyabiError } from '../../core/errors.js';
import { foldJournal } from '../../feedback/metrics.js';
import { buildReport, KIND_WINDOW_MS, REPORT_KINDS, type Report, type ReportKind, renderMarkdown } from '../../feedback/report.js';
import { parseSince } from '../../feedback/since.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';

export async function reportVerb(o: GlobalOptions & { since?: string; kind?: string; json?: boolean; md?: boolean }): Promise<number> {
  const kind = (o.kind ?? 'summary') as ReportKind;
  if (!REPORT_KINDS.includes(kind)) throw new MiyabiError('USAGE', `--kind ${JSON.stringify(o.kind)}: one of ${REPORT_KINDS.join(', ')}`);
  const now = Date.now();
  const window = KIND_WINDOW_MS[kind];
  const from = o.since !== undefined ? parseSince(o.since, now) : window ? now - window : 0;
  const { paths } = cliContext(o);
  const c = await tryConnect(paths);
  let r: Report;
  if (c) {
    try {
      r = (await c.request('report', { kind, ...(from ? { from } : {}) })) as unknown as Report;
    } finally {
      c.close();
    }
  } else {
    r = buildReport(foldJournal(paths.dir, { stateDir: paths.state, from }).state, { kind, from, now });
  }
  process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : renderMarkdown(r));
  return 0;
}
