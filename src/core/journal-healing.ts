/**
 * The journal's active file when a write fails (issue #11, item 2): the controller must not wedge
 * on one failed append. A record that has its seq is either on disk or held here, in order, and
 * written by a retry with backoff; nothing is dropped and no seq is ever given twice. Until the
 * retry lands the journal is "degraded" and says so (`health()`: which file, which error, since
 * when), and the controller goes on by itself once the file takes writes again.
 *
 * An append whose outcome is unknown (the cut-off of a failed write failed too, or an fsync
 * failed: journal-writer.ts "poisons") is settled by reopening the file: the same checks a restart
 * runs (torn tail cut off and kept aside), then every held or unsynced record the file does not
 * have is written again, byte for byte. What cannot be reconciled — the file on disk has records
 * this controller never wrote, or lacks ones it did and no longer holds — is "wedged": only a
 * restart helps, and `miyabi up` does it.
 *
 * Durable appends (messages, recovery) are never held: they are refused while the journal is
 * degraded, so their callers (the deliverer) do nothing they could not journal, and try again.
 */
import { MiyabiError } from './errors.js';
import { type FsPort, errnoCode, ioError } from './fs-port.js';
import { decodeLine, type JournalRecord } from './journal-format.js';
import { ActiveFile, type LoadedJournal } from './journal-writer.js';

/** `file` refuses writes with `error` since `since` (ISO); `held` records wait in memory; `failures` in this episode. */
export interface JournalHealth {
  state: 'ok' | 'degraded' | 'wedged';
  file?: string;
  error?: string;
  errno?: string;
  since?: string;
  held: number;
  failures?: number;
}

export interface Healed {
  file: string;
  error: string;
  since: number;
  durationMs: number;
  records: number;
  /** A torn tail found on reopening (journal.tail-repaired, appended by the caller). */
  repaired: LoadedJournal['repaired'];
}

type Held = { seq: number; line: Buffer };

export type WriteMode = 'group' | 'sync' | 'durable';
/** written: on disk. held: kept in order for the retry (with `error` when the caller asked for durable). refused: not taken, no seq used. */
export type WriteResult = { kind: 'written' } | { kind: 'held'; error?: MiyabiError } | { kind: 'refused'; error: MiyabiError };

/** retryMs: the backoff's first and longest wait. */
export type HealingOptions = { maxHeld?: number; maxHeldBytes?: number; retryMs?: [number, number]; onHealed: (h: Healed) => void };

export class HealingFile {
  private held: Held[] = [];
  private heldBytes = 0;
  /** Written since the last fsync: an fsync failure leaves their fate to the reopen's check. */
  private unsynced: Held[] = [];
  private trouble: { error: MiyabiError; since: number; failures: number } | null = null;
  private wedged: MiyabiError | null = null;
  private timer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private lastSeq: number;
  private readonly maxHeld: number;
  private readonly maxHeldBytes: number;
  private readonly retryMs: [number, number];

  constructor(
    private readonly fs: FsPort,
    private readonly root: string,
    private readonly maxBytes: number,
    private file: ActiveFile,
    lastSeq: number,
    private readonly o: HealingOptions,
  ) {
    this.lastSeq = lastSeq;
    this.maxHeld = o.maxHeld ?? 10_000;
    this.maxHeldBytes = o.maxHeldBytes ?? 32 * 1024 * 1024;
    this.retryMs = o.retryMs ?? [50, 2000];
    this.delayMs = this.retryMs[0];
  }

  get dir(): string { return this.file.dir; }
  get path(): string { return this.file.path; }
  get firstSeq(): number | null { return this.file.firstSeq; }
  get hasUnsynced(): boolean { return this.file.hasUnsynced; }
  /** The last seq known to be in the file (records after it are held). */
  get writtenSeq(): number {
    return this.held[0] ? this.held[0].seq - 1 : this.lastSeq;
  }

  /** The held records after `afterSeq`, in order: a replay reads them after the file's. */
  *heldAfter(afterSeq: number): Generator<JournalRecord> {
    for (const h of [...this.held]) {
      if (h.seq <= afterSeq) continue;
      const d = decodeLine(h.line, 0, h.line.length - 1); // without its newline
      if (d.ok) yield d.record;
    }
  }

  /** Throws only when wedged: a degraded journal still takes records. */
  usable(): void { if (this.wedged) throw this.wedged; }

  health(): JournalHealth {
    const t = this.trouble;
    if (!this.wedged && !t) return { state: 'ok', held: 0 };
    const err = this.wedged ?? t?.error;
    const errno = (err?.detail as { errno?: string } | undefined)?.errno;
    return {
      state: this.wedged ? 'wedged' : 'degraded',
      file: this.file.path,
      error: err?.message,
      ...(errno ? { errno } : {}),
      since: new Date(t?.since ?? Date.now()).toISOString(),
      held: this.held.length,
      failures: t?.failures ?? 0,
    };
  }

  write(line: Buffer, seq: number, mode: WriteMode): WriteResult {
    if (this.wedged) return { kind: 'refused', error: this.wedged };
    // A durable record waits for nothing: try the backlog now rather than at the next timer.
    if (this.held.length > 0 && mode === 'durable') this.retry();
    if (this.wedged) return { kind: 'refused', error: this.wedged };
    if (this.held.length > 0) return mode === 'durable' ? { kind: 'refused', error: this.degradedError() } : this.hold(line, seq);
    try {
      this.file.write(line, seq, mode !== 'group');
    } catch (e) {
      this.note(e);
      // Whether the bytes are in the file is unknown: the record keeps its seq, the reopen settles it.
      if (this.file.isPoisoned) {
        const r = this.hold(line, seq, true);
        return r.kind === 'held' && mode === 'durable' ? { kind: 'held', error: this.degradedError() } : r;
      }
      if (mode !== 'durable') return this.hold(line, seq);
      // Nothing is held to retry, yet the journal is degraded: the retry finds out when it heals.
      this.schedule();
      return { kind: 'refused', error: ioError('journal: append to', this.path, e) };
    }
    this.lastSeq = seq;
    if (mode === 'group') this.unsynced.push({ seq, line });
    else this.unsynced = [];
    this.trouble = null;
    return { kind: 'written' };
  }

  /** fsync; a failure makes the journal degraded (and the reopen settles what is on disk). */
  sync(): void {
    this.usable();
    if (this.held.length > 0 || this.file.isPoisoned) return this.retry();
    if (!this.file.hasUnsynced) return;
    try {
      this.file.sync();
      this.unsynced = [];
    } catch (e) {
      this.note(e);
      this.schedule();
    }
  }

  /** One last try for the held records, then closes; throws when records are left unwritten. */
  close(): void {
    this.clearTimer();
    if (this.held.length > 0 && !this.wedged) this.retry();
    this.clearTimer();
    const left = this.held.length;
    try {
      this.file.close();
    } catch (e) {
      if (left === 0) throw e;
    }
    if (left > 0) {
      throw new MiyabiError('IO', `journal: ${left} record(s) held in memory were never written to ${this.path}: ${this.trouble?.error.message ?? this.wedged?.message}`, {
        hint: this.degradedError().hint,
        detail: { path: this.path, lostFromSeq: this.held[0]?.seq },
      });
    }
  }

  /** Writes the held records in order (reopening a poisoned file first); on failure, tries again later. */
  retry(): void {
    this.clearTimer();
    if (this.wedged) return;
    const trouble = this.trouble;
    let repaired: LoadedJournal['repaired'] = null;
    let records = 0;
    try {
      if (this.file.isPoisoned) repaired = this.reopen();
      while (this.held[0]) {
        const h = this.held[0];
        this.file.write(h.line, h.seq, false);
        this.held.shift();
        this.heldBytes -= h.line.length;
        this.unsynced.push(h);
        records += 1;
      }
      this.file.sync();
      this.unsynced = [];
    } catch (e) {
      if (!this.wedged) {
        this.note(e);
        this.schedule();
      }
      return;
    }
    this.delayMs = this.retryMs[0];
    if (!trouble) return;
    // Healed only once a write went in: a reopen and an fsync take nothing on a file that still
    // refuses writes. With nothing held, the `journal.write-recovered` record is that write (it
    // clears the trouble in write(), or is held and retried), so health never says ok early.
    if (records > 0) this.trouble = null;
    const healed = { file: this.path, error: trouble.error.message, since: trouble.since, durationMs: Date.now() - trouble.since, records, repaired };
    // Not from inside a write: the caller's record has its seq already.
    queueMicrotask(() => this.o.onHealed(healed));
  }

  /**
   * The restart's checks without a restart: reload the file, drop what it already has, write
   * again what it lost. Returns the torn tail it cut off, if any.
   */
  private reopen(): LoadedJournal['repaired'] {
    try {
      this.file.close();
    } catch {} // poisoned: what it says on close is what we already know
    let loaded: LoadedJournal;
    try {
      loaded = ActiveFile.load(this.fs, this.root, this.maxBytes);
    } catch (e) {
      if (e instanceof MiyabiError && e.code === 'JOURNAL_CORRUPT') this.wedge(e.message);
      throw e;
    }
    this.file = loaded.writer;
    const pending = [...this.unsynced, ...this.held];
    const onDisk = loaded.lastSeq;
    const firstPending = pending[0]?.seq ?? this.lastSeq + 1;
    const last = pending.at(-1)?.seq ?? this.lastSeq;
    if (onDisk > last) throw this.wedge(`${this.path} ends at seq ${onDisk}, past the last record this controller wrote (${last})`);
    if (onDisk < firstPending - 1) throw this.wedge(`${this.path} ends at seq ${onDisk}: records ${onDisk + 1}..${firstPending - 1} were lost`);
    this.held = pending.filter((h) => h.seq > onDisk);
    this.heldBytes = this.held.reduce((n, h) => n + h.line.length, 0);
    this.unsynced = [];
    return loaded.repaired;
  }

  private hold(line: Buffer, seq: number, force = false): WriteResult {
    if (!force && (this.held.length >= this.maxHeld || this.heldBytes + line.length > this.maxHeldBytes)) {
      return {
        kind: 'refused',
        error: new MiyabiError('IO', `journal: ${this.held.length} records are waiting in memory for ${this.path}, the most it holds; this one is refused`, {
          hint: this.degradedError().hint,
        }),
      };
    }
    this.held.push({ seq, line });
    this.heldBytes += line.length;
    this.lastSeq = seq;
    this.schedule();
    return { kind: 'held' };
  }

  private note(e: unknown): void {
    const error = ioError('journal: writing', this.path, e);
    if (this.trouble) {
      this.trouble.error = error;
      this.trouble.failures += 1;
    } else {
      this.trouble = { error, since: Date.now(), failures: 1 };
    }
  }

  private wedge(why: string): MiyabiError {
    this.clearTimer();
    this.wedged = new MiyabiError('IO', `journal wedged: ${why}`, {
      hint: 'restart the controller (`miyabi up` does it): the journal is checked and repaired on load',
    });
    return this.wedged;
  }

  private degradedError(): MiyabiError {
    const t = this.trouble;
    const errno = errnoCode(t?.error.cause);
    return new MiyabiError('IO', `journal degraded since ${new Date(t?.since ?? Date.now()).toISOString()}: ${t?.error.message ?? 'writes fail'}; ${this.held.length} record(s) wait in memory`, {
      hint: `${t?.error.hint ?? 'check the disk'}; the controller writes them and goes on by itself once ${this.path} takes writes`,
      detail: { path: this.path, ...(errno ? { errno } : {}), journalDegraded: true },
    });
  }

  private schedule(): void {
    if (this.timer || this.wedged) return;
    this.timer = setTimeout(() => this.retry(), this.delayMs);
    this.timer.unref();
    this.delayMs = Math.min(this.delayMs * 2, this.retryMs[1]);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
