/**
 * The journal (DESIGN.md "everything is an event in one journal"; RELIABILITY.md "Journal and
 * snapshot"): `<root>/journal/events.jsonl` plus rotated `events-<firstSeq>.jsonl` segments, one
 * CRC-checked JSON record per line (format: journal-format.ts), written by one process only — the
 * controller. `root` is the project's `.miyabi/` directory.
 *
 * fsync policy, named and measured: 'always' fsyncs every record; 'group' (default) fsyncs at most
 * every `groupMs` from a timer (Redis `everysec`), and `appendDurable` fsyncs before returning in
 * either mode (messages, recovery events). Failure semantics: journal-writer.ts.
 */
import { join } from 'node:path';
import { MiyabiError } from './errors.js';
import { checkEvent, type EventListener, type EventPayload, type EventRecord, type EventSink, type EventType } from './events/index.js';
import { type FsPort, fsyncDir, ioError, realFs } from './fs-port.js';
import { listSegments } from './journal-files.js';
import { type JournalRecord, encodeRecord } from './journal-format.js';
import { replayJournal } from './journal-replay.js';
import { HealingFile, type JournalHealth, type WriteMode } from './journal-healing.js';
import { ActiveFile } from './journal-writer.js';

export type { JournalRecord } from './journal-format.js';
export type { JournalHealth } from './journal-healing.js';
export { replayJournal, type ReplayOptions } from './journal-replay.js';

export interface JournalOptions {
  /** 'always': fsync every record. 'group' (default): fsync at most every `groupMs`. */
  fsync?: 'always' | 'group';
  /** Group-commit window, default 200 ms. */
  groupMs?: number;
  /** Rotate the active file before it would exceed this many bytes (default 64 MiB). */
  maxSegmentBytes?: number;
  fs?: FsPort;
  /** Errors that cannot be thrown to a caller: a timer fsync, a throwing listener. Default: a process warning. */
  onError?: (err: unknown) => void;
  /** Records held in memory while writes fail (journal-healing.ts), and the retry's backoff. */
  maxHeld?: number;
  retryMs?: [number, number];
}

export type AppendListener = (record: JournalRecord) => void;

export class Journal implements EventSink<JournalRecord> {
  readonly dir: string;
  readonly path: string;
  private readonly fs: FsPort;
  private readonly mode: 'always' | 'group';
  private readonly groupMs: number;
  private readonly onError: (err: unknown) => void;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly listeners = new Set<AppendListener>();
  private readonly pending: JournalRecord[] = [];
  private dispatching = false;
  private readonly file: HealingFile;

  private constructor(
    readonly root: string,
    active: ActiveFile,
    private seq: number,
    o: JournalOptions,
  ) {
    this.fs = o.fs ?? realFs;
    this.file = new HealingFile(this.fs, root, o.maxSegmentBytes ?? 64 * 1024 * 1024, active, seq, {
      maxHeld: o.maxHeld,
      retryMs: o.retryMs,
      onHealed: (h) => {
        // Said once the file takes writes again, after every record that waited.
        if (this.closed) return;
        try {
          this.append('journal.write-recovered', { file: h.file, error: h.error, since: new Date(h.since).toISOString(), durationMs: h.durationMs, records: h.records });
          if (h.repaired) this.append('journal.tail-repaired', h.repaired);
        } catch {
          // Refused (the backlog is full): health() still says degraded, and the retry goes on.
        }
      },
    });
    this.dir = active.dir;
    this.path = active.path;
    this.mode = o.fsync ?? 'group';
    this.groupMs = o.groupMs ?? 200;
    this.onError = o.onError ?? ((e) => process.emitWarning(e instanceof Error ? e : String(e), 'MiyabiJournal'));
  }

  /**
   * Opens the journal, checking every record of the active file. A torn tail (bad last lines) is
   * moved to `events.jsonl.broken-<ts>`, cut off, and a `journal.tail-repaired` record appended.
   * Damage followed by valid records throws JOURNAL_CORRUPT "<file>:<line>: <reason>" and changes
   * nothing (fix: `repairJournal`, i.e. `miyabi doctor --repair`). Segments are checked by replay.
   */
  static open(root: string, options: JournalOptions = {}): Journal {
    const fs = options.fs ?? realFs;
    const loaded = ActiveFile.load(fs, root, options.maxSegmentBytes ?? 64 * 1024 * 1024);
    const journal = new Journal(root, loaded.writer, loaded.lastSeq, options);
    if (loaded.repaired) {
      try {
        journal.appendDurable('journal.tail-repaired', loaded.repaired);
      } catch (e) {
        journal.closeQuietly();
        throw e;
      }
    }
    return journal;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Seq of the oldest record still on disk (lastSeq + 1 when there is none). */
  get firstSeq(): number {
    return listSegments(this.fs, this.dir)[0]?.firstSeq ?? this.file.firstSeq ?? this.seq + 1;
  }

  /**
   * Appends one record: durable within groupMs in 'group' mode, before returning in 'always' mode.
   * The type must be in the event catalogue (core/events) and the payload fit its schema, else it
   * throws MiyabiError('INTERNAL') and nothing is written.
   */
  append<T extends EventType>(type: T, payload: EventPayload<T>): JournalRecord {
    return this.write(type, payload, this.mode === 'always' ? 'sync' : 'group');
  }

  /**
   * Appends and fsyncs before returning, whatever the mode (messages, recovery events). While the
   * journal is degraded it throws MiyabiError('IO') and the caller does what it journals later.
   */
  appendDurable<T extends EventType>(type: T, payload: EventPayload<T>): JournalRecord {
    return this.write(type, payload, 'durable');
  }

  /** ok, or degraded (writes fail, records wait in memory, retried) or wedged (only a restart helps). */
  health(): JournalHealth {
    return this.file.health();
  }

  /** Records with seq > afterSeq up to lastSeq as of this call: from disk (see replayJournal), then any still held in memory. */
  replay(afterSeq = 0): Generator<JournalRecord> {
    const written = this.file.writtenSeq;
    const held = [...this.file.heldAfter(Math.max(afterSeq, written))];
    const disk = replayJournal(this.root, { afterSeq, untilSeq: written, fs: this.fs });
    return (function* () {
      yield* disk;
      yield* held;
    })();
  }

  /**
   * Every record, live: the controller's in-process bus (the IPC `subscribe` stream is one
   * listener). Called after each append in seq order; a listener that throws is reported to
   * `onError` and breaks neither the append nor the other listeners. Returns unsubscribe.
   */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * The in-process bus, typed: `listener` gets each record of `type` as it is appended, in seq
   * order with every other listener. A listener that throws is reported to `onError`; the append
   * and the other listeners go on. Returns unsubscribe.
   */
  on<T extends EventType>(type: T, listener: EventListener<T>): () => void {
    return this.onAppend((r) => {
      if (r.type === type) listener(r as EventRecord<T>);
    });
  }

  /** fsyncs now whatever was appended since the last fsync (a failure shows in health()). */
  flush(): void {
    this.usable();
    this.clearTimer();
    this.file.sync();
  }

  /**
   * Deletes rotated segments whose records all have seq <= uptoSeq. Call it only after a snapshot
   * with lastSeq >= uptoSeq is durable. The newest segment is kept while the active file is empty,
   * so the last seq ever written stays on disk. Returns the deleted file names.
   */
  compact(uptoSeq: number): string[] {
    this.usable();
    const segs = listSegments(this.fs, this.dir);
    const removed: string[] = [];
    for (const [i, seg] of segs.entries()) {
      const nextFirst = segs[i + 1]?.firstSeq ?? this.file.firstSeq;
      if (nextFirst === null || nextFirst - 1 > uptoSeq) break;
      try {
        this.fs.unlinkSync(join(this.dir, seg.name));
      } catch (e) {
        throw ioError('journal: deleting', join(this.dir, seg.name), e);
      }
      removed.push(seg.name);
    }
    if (removed.length > 0) {
      try {
        fsyncDir(this.fs, this.dir);
      } catch (e) {
        throw ioError('journal: fsync of', this.dir, e);
      }
    }
    return removed;
  }

  /** Flushes (unless poisoned) and closes. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.clearTimer();
    this.closed = true;
    this.listeners.clear();
    this.file.close();
  }

  private closeQuietly(): void {
    try {
      this.close();
    } catch {
      // the caller is already reporting an earlier error
    }
  }

  private usable(): void {
    if (this.closed) throw new MiyabiError('INTERNAL', `journal ${this.path} is closed`);
    this.file.usable();
  }

  private write(type: string, payload: unknown, mode: WriteMode): JournalRecord {
    this.usable();
    // Validate first, write second: a refused record leaves no trace on disk or on the bus.
    checkEvent(type, payload);
    const { line, record } = encodeRecord(this.seq + 1, Date.now(), type, payload);
    const r = this.file.write(line, record.seq, mode);
    if (r.kind === 'refused') throw r.error; // no seq used
    this.seq = record.seq;
    if (mode !== 'group') this.clearTimer();
    else this.timer ??= setTimeout(() => this.groupSync(), this.groupMs).unref();
    // A held record will be written (journal-healing.ts): the bus sees it now, in seq order.
    this.emit(record);
    if (r.kind === 'held' && r.error) throw r.error;
    return record;
  }

  private groupSync(): void {
    this.timer = null;
    if (this.closed || !this.file.hasUnsynced) return;
    try {
      this.file.sync();
    } catch (e) {
      this.onError(e);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Calls listeners in seq order even when a listener appends (re-entrancy queues the record). */
  private emit(record: JournalRecord): void {
    if (this.listeners.size === 0) return;
    this.pending.push(record);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let r = this.pending.shift(); r !== undefined; r = this.pending.shift()) {
        for (const l of [...this.listeners]) {
          try {
            l(r);
          } catch (e) {
            this.onError(e);
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }
}
