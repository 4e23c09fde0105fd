import type { Journal } from '../../core/journal.js';
import { foldJournal, type LiveMetrics } from '../../feedback/metrics.js';
import { buildReport, KIND_WINDOW_MS } from '../../feedback/report.js';
import type { Impls } from '../../ipc/handlers.js';

export type FeedbackMessages = 'metrics' | 'metric.set' | 'report';

/** The feedback layer's messages: metrics kept live, external figures journaled, reports. */
export function feedbackHandlers(live: LiveMetrics, journal: Journal): Pick<Impls, FeedbackMessages> {
  return {
    metrics: () => live.series(),
    'metric.set': (req) => {
      const rec = journal.appendDurable('metric.set', { name: req.name, value: req.value, by: 'miyabi metric set' });
      return { name: req.name, value: req.value, seq: rec.seq };
    },
    report: (req) => {
      const kind = req.kind ?? 'summary';
      const now = Date.now();
      const window = KIND_WINDOW_MS[kind];
      const from = req.from ?? (window ? now - window : 0);
      // All time is the live fold; a window needs the records themselves (memory before it, counts in it).
      const state = from > 0 ? foldJournal(journal.root, { from }).state : live.fold.state;
      return buildReport(state, { kind, from, now });
    },
  };
}
