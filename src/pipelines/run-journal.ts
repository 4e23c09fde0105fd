/**
 * A run's view of the project's one journal. Every record it appends carries the run's id, so the
 * dashboard, the reports and a restarted controller find a run's steps among all the others; its
 * replay is the run's own records. After each durable record (and each stage start) the folded state is cached in
 * `run.json` (see run-dir.ts) for `miyabi runs` and `logs`, which then need no replay.
 */
import type { EventPayload, EventSink, RunEventPayload, RunEventType } from '../core/events/index.js';
import { foldRun, type JournalLike, type JournalRecordLike } from './run-state.js';
import { writeRunCache } from './run-dir.js';

/** What a run needs of the host's journal (core/journal.ts's Journal is one). */
export type HostJournal = EventSink<JournalRecordLike>;

export class RunJournal implements JournalLike {
  private readonly records: JournalRecordLike[];
  private startSeq: number;

  constructor(
    private readonly j: HostJournal,
    readonly runId: string,
    private readonly dir: string,
    /** The run's records so far (a resumed run), oldest first. */
    earlier: JournalRecordLike[] = [],
    startSeq?: number,
  ) {
    this.records = [...earlier];
    this.startSeq = startSeq ?? earlier[0]?.seq ?? 0;
  }

  private tag<T extends RunEventType>(payload: RunEventPayload<T>): EventPayload<T> {
    return { ...payload, runId: this.runId } as EventPayload<T>;
  }

  append<T extends RunEventType>(type: T, payload: RunEventPayload<T>): JournalRecordLike {
    const r = this.j.append(type, this.tag(payload));
    this.keep(r);
    // `miyabi runs` shows a stage as running from its stage.started, which is not a durable record.
    if (type === 'stage.started') this.cache();
    return r;
  }

  appendDurable<T extends RunEventType>(type: T, payload: RunEventPayload<T>): JournalRecordLike {
    const r = this.j.appendDurable(type, this.tag(payload));
    this.keep(r);
    this.cache();
    return r;
  }

  replay(): Iterable<JournalRecordLike> {
    return this.records;
  }

  private keep(r: JournalRecordLike): void {
    if (this.records.length === 0 && this.startSeq === 0) this.startSeq = r.seq;
    this.records.push(r);
  }

  /** Rewrites run.json from the records; the journal stays the truth if this fails. */
  cache(): void {
    const st = foldRun(this.records);
    if (st === null) return;
    try {
      writeRunCache(this.dir, { ...st, startSeq: this.startSeq });
    } catch {
      // `miyabi runs` shows the state as of the last cache that was written
    }
  }
}
