/**
 * The metrics as the controller keeps them: the checkpoint, then the journal after it folded once
 * at start, then every record as it is appended. Nothing re-reads the journal per question.
 */
import type { MetricsReader } from '../core/metrics.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { FOLDED_TYPES, type FoldRecord, MetricsFold } from './fold.js';
import { scanJournal } from './journal-scan.js';
import { type Budgets, type Series, readerOf, toSeries } from './series.js';
import { emptyState } from './state.js';

/** Folds the journal of `root` (`.miyabi/`) from the checkpoint in `stateDir`, or from the start. */
export function foldJournal(root: string, o: { stateDir?: string; from?: number } = {}): MetricsFold {
  // A checkpoint covers all time: a report over a window (from > 0) needs the records themselves.
  const cp = o.stateDir && !o.from ? loadCheckpoint(o.stateDir) : null;
  const fold = new MetricsFold(cp ?? emptyState(), o.from ?? 0);
  for (const r of scanJournal(root, { afterSeq: fold.state.lastSeq, types: FOLDED_TYPES })) fold.apply(r);
  return fold;
}

export interface LiveMetricsOptions {
  root: string;
  stateDir: string;
  budgets?: Budgets;
  /** Records appended since the last checkpoint before another is written (default 5000). */
  checkpointEvery?: number;
  now?: () => number;
}

export class LiveMetrics {
  readonly fold: MetricsFold;
  readonly reader: MetricsReader;
  private sinceSave = 0;
  private cache: { at: number; series: Series[] } | null = null;

  constructor(private readonly o: LiveMetricsOptions) {
    this.fold = foldJournal(o.root, { stateDir: o.stateDir });
    this.reader = readerOf(() => this.series());
  }

  /** The journal's onAppend listener. */
  readonly onRecord = (r: FoldRecord): void => {
    this.fold.apply(r);
    this.cache = null;
    if (++this.sinceSave >= (this.o.checkpointEvery ?? 5000)) this.save();
  };

  /** The series now; computed at most once per millisecond-tick of changes (conditions read often). */
  series(): Series[] {
    const now = (this.o.now ?? Date.now)();
    if (this.cache && this.cache.at === now) return this.cache.series;
    const series = toSeries(this.fold.state, { now, ...(this.o.budgets ? { budgets: this.o.budgets } : {}) });
    this.cache = { at: now, series };
    return series;
  }

  save(): void {
    this.sinceSave = 0;
    saveCheckpoint(this.o.stateDir, this.fold.state);
  }
}
