/**
 * The journal (DESIGN.md "everything is an event in one journal"; RELIABILITY.md "Journal and
 * snapshot"): `<root>/journal/events.jsonl`, one CRC-checked JSON record per line (format in
 * journal-format.ts), written by one process only — the controller.
 *
 * Invariant: when `append` returns, the record's bytes are in the file and nothing after them; when
 * it throws, the file is as before the call (a torn write is truncated away) or the journal is
 * "poisoned" (an fsync failed, so what is on disk is unknown — PostgreSQL's fsyncgate lesson) and
 * every later call throws until the controller restarts and the load-time checks run again.
 */
import { join } from 'node:path';
import { MiyabiError } from './errors.js';
import { type FsPort, O, closeQuietly, existsNoFollow, fsyncDir, ioError, realFs, writeAll } from './fs-port.js';
import {
  ACTIVE_FILE,
  corruptError,
  journalDir,
  lastSeqOfSegments,
  listSegments,
  moveTailAside,
  scanFile,
  segmentName,
} from './journal-files.js';
import { type JournalRecord, encodeRecord } from './journal-format.js';
import { replayJournal } from './journal-replay.js';

export type { JournalRecord } from './journal-format.js';
export { replayJournal, type ReplayOptions } from './journal-replay.js';
export { repairJournal, type RepairReport } from './journal-repair.js';

export interface JournalOptions {
  /** 'always': fsync every record. 'group' (default): fsync at most every `groupMs` (Redis everysec). */
  fsync?: 'always' | 'group';
  /** Group-commit window, default 200 ms. */
  groupMs?: number;
  /** Rotate the active file before it would exceed this many bytes (default 64 MiB). */
  maxSegmentBytes?: number;
  fs?: FsPort;
  /** Errors that cannot be thrown to a caller: a timer fsync, a throwing listener. Default: a process warning. */
  onError?: (err: unknown) => void;
}

export type AppendListener = (record: JournalRecord) => void;

export class Journal {
  readonly dir: string;
  readonly path: string;
  private readonly fs: FsPort;
  private readonly mode: 'always' | 'group';
  private readonly groupMs: number;
  private readonly maxSegmentBytes: number;
  private readonly onError: (err: unknown) => void;
  private fd: number;
  private size: number;
  private seq: number;
  private activeFirstSeq: number | null;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private poisoned: MiyabiError | null = null;
  private closed = false;
  private readonly listeners = new Set<AppendListener>();
  private readonly pending: JournalRecord[] = [];
  private dispatching = false;

  private constructor(readonly root: string, fd: number, size: number, lastSeq: number, activeFirstSeq: number | null, o: JournalOptions) {
    this.fs = o.fs ?? realFs;
    this.dir = journalDir(root);
    this.path = join(this.dir, ACTIVE_FILE);
    this.mode = o.fsync ?? 'group';
    this.groupMs = o.groupMs ?? 200;
    this.maxSegmentBytes = o.maxSegmentBytes ?? 64 * 1024 * 1024;
    this.onError = o.onError ?? ((e) => process.emitWarning(e instanceof Error ? e : String(e), 'MiyabiJournal'));
    this.fd = fd;
    this.size = size;
    this.seq = lastSeq;
    this.activeFirstSeq = activeFirstSeq;
  }

  /**
   * Opens `<root>/journal/events.jsonl` (creating it), checks every record, and repairs a torn
   * tail: the bad last line(s) go to `events.jsonl.broken-<ts>`, the file is truncated and a
   * `journal.tail-repaired` record is appended. Damage followed by valid records is not touched:
   * it throws JOURNAL_CORRUPT "<file>:<line>: <reason>" (fix: `repairJournal`, i.e. doctor --repair).
   * Rotated segments are checked when replay reads them.
   */
  static open(root: string, options: JournalOptions = {}): Journal {
    const fs = options.fs ?? realFs;
    const dir = journalDir(root);
    const path = join(dir, ACTIVE_FILE);
    let fd: number | null = null;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const existed = existsNoFollow(fs, path);
      fd = fs.openSync(path, O.O_RDWR | O.O_CREAT, 0o600);
      if (!existed) fsyncDir(fs, dir);
      const scan = scanFile(fs, fd);
      if (scan.bad && scan.validAfter !== null) throw corruptError(path, scan.bad, scan.validAfter);
      let repaired: Record<string, unknown> | null = null;
      if (scan.bad) {
        const movedTo = moveTailAside(fs, fd, path, scan.bad.offset, scan.size, Date.now());
        repaired = { file: ACTIVE_FILE, ...scan.bad, bytes: scan.size - scan.bad.offset, movedTo: movedTo.slice(dir.length + 1) };
      }
      const lastSeq = scan.lastSeq ?? lastSeqOfSegments(fs, dir) ?? 0;
      const journal = new Journal(root, fd, scan.goodEnd, lastSeq, scan.firstSeq, options);
      fd = null; // owned by the journal now
      if (repaired) {
        try {
          journal.appendDurable('journal.tail-repaired', repaired);
        } catch (e) {
          journal.closeQuietly();
          throw e;
        }
      }
      return journal;
    } catch (e) {
      closeQuietly(fs, fd);
      throw ioError('journal: opening', path, e);
    }
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Seq of the oldest record still on disk (lastSeq + 1 when there is none). */
  get firstSeq(): number {
    return listSegments(this.fs, this.dir)[0]?.firstSeq ?? this.activeFirstSeq ?? this.seq + 1;
  }

  /** Appends one record; durable within groupMs in 'group' mode, before returning in 'always' mode. */
  append(type: string, payload: unknown): JournalRecord {
    return this.write(type, payload, this.mode === 'always');
  }

  /** Appends and fsyncs before returning, whatever the mode (messages, recovery events). */
  appendDurable(type: string, payload: unknown): JournalRecord {
    return this.write(type, payload, true);
  }

  /** Records with seq > afterSeq, read from disk (see replayJournal), up to lastSeq as of now. */
  replay(afterSeq = 0): Generator<JournalRecord> {
    return replayJournal(this.root, { afterSeq, untilSeq: this.seq, fs: this.fs });
  }

  /** Live subscription (the dashboard stream); called after each append. Returns unsubscribe. */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** fsyncs now whatever was appended since the last fsync. */
  flush(): void {
    this.usable();
    this.clearTimer();
    if (this.dirty) this.sync();
  }

  /**
   * Deletes rotated segments whose records all have seq <= uptoSeq. Call it only after a snapshot
   * with lastSeq >= uptoSeq is durable. The newest segment is kept while the active file is empty,
   * so the last seq ever written is always on disk. Returns the deleted file names.
   */
  compact(uptoSeq: number): string[] {
    this.usable();
    const segs = listSegments(this.fs, this.dir);
    const removed: string[] = [];
    for (let i = 0; i < segs.length; i++) {
      const nextFirst = segs[i + 1]?.firstSeq ?? this.activeFirstSeq;
      if (nextFirst === null || nextFirst - 1 > uptoSeq) break;
      const p = join(this.dir, (segs[i] as { name: string }).name);
      try {
        this.fs.unlinkSync(p);
      } catch (e) {
        throw ioError('journal: deleting', p, e);
      }
      removed.push((segs[i] as { name: string }).name);
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
    let err: unknown = null;
    if (this.dirty && !this.poisoned) {
      try {
        this.sync();
      } catch (e) {
        err = e;
      }
    }
    this.closed = true;
    this.listeners.clear();
    try {
      this.fs.closeSync(this.fd);
    } catch (e) {
      err ??= ioError('journal: closing', this.path, e);
    }
    if (err !== null) throw err;
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
    if (this.poisoned) throw this.poisoned;
  }

  private write(type: string, payload: unknown, durable: boolean): JournalRecord {
    this.usable();
    const { line, record } = encodeRecord(this.seq + 1, Date.now(), type, payload);
    if (this.size > 0 && this.size + line.length > this.maxSegmentBytes) this.rotate();
    const at = this.size;
    try {
      writeAll(this.fs, this.fd, line, at);
    } catch (e) {
      this.undo(at, e);
      throw ioError('journal: append to', this.path, e);
    }
    if (durable) {
      try {
        this.fs.fsyncSync(this.fd);
      } catch (e) {
        this.undo(at, e);
        throw this.poison('fsync of', e);
      }
      this.dirty = false;
      this.clearTimer();
    } else {
      this.dirty = true;
      this.timer ??= setTimeout(() => this.groupSync(), this.groupMs).unref();
    }
    this.size = at + line.length;
    this.seq = record.seq;
    this.activeFirstSeq ??= record.seq;
    this.emit(record);
    return record;
  }

  /** Cuts a failed record off; if even that fails, the file's end is unknown: poison. */
  private undo(at: number, cause: unknown): void {
    try {
      this.fs.ftruncateSync(this.fd, at);
    } catch {
      this.poison('truncating a failed append in', cause);
    }
  }

  private poison(what: string, cause: unknown): MiyabiError {
    const base = ioError(`journal: ${what}`, this.path, cause);
    this.poisoned ??= new MiyabiError('IO', `${base.message}; the journal refuses further writes`, {
      cause,
      hint: `${base.hint ?? ''}; restart the controller (\`miyabi up\`): the journal is re-checked and repaired on load`,
      detail: base.detail,
    });
    return this.poisoned;
  }

  private sync(): void {
    try {
      this.fs.fsyncSync(this.fd);
      this.dirty = false;
    } catch (e) {
      throw this.poison('fsync of', e);
    }
  }

  private groupSync(): void {
    this.timer = null;
    if (!this.dirty || this.closed || this.poisoned) return;
    try {
      this.sync();
    } catch (e) {
      this.onError(e);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * events.jsonl → events-<firstSeq>.jsonl, then a fresh events.jsonl. The old file is fsynced
   * first so a rotated segment never has a torn tail. A failure before the switch leaves
   * everything as it was (the append throws and the next one retries the rotation).
   */
  private rotate(): void {
    if (this.activeFirstSeq === null) return;
    this.sync();
    const segPath = join(this.dir, segmentName(this.activeFirstSeq));
    try {
      this.fs.renameSync(this.path, segPath);
    } catch (e) {
      throw ioError('journal: rotating', this.path, e);
    }
    let fd: number;
    try {
      fd = this.fs.openSync(this.path, O.O_RDWR | O.O_CREAT | O.O_EXCL, 0o600);
    } catch (e) {
      try {
        this.fs.renameSync(segPath, this.path);
      } catch {
        throw this.poison(`rotating (and renaming ${segPath} back)`, e);
      }
      throw ioError('journal: creating', this.path, e);
    }
    try {
      fsyncDir(this.fs, this.dir);
    } catch (e) {
      closeQuietly(this.fs, fd);
      throw this.poison(`fsync of ${this.dir} after rotating`, e);
    }
    closeQuietly(this.fs, this.fd);
    this.fd = fd;
    this.size = 0;
    this.activeFirstSeq = null;
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
