/**
 * The journal's active file as a writer: loading it (with the torn-tail repair), appending whole
 * lines, fsync, rotation, and "poisoning".
 *
 * Invariant: when `write` returns, the line's bytes are in the file and nothing after them; when it
 * throws, the file is as before the call (a torn write is truncated away) or the writer is poisoned
 * — an fsync failed, so what is on disk is unknown (PostgreSQL's fsyncgate lesson: retrying fsync
 * can falsely succeed) — and every later call throws until the controller restarts and the
 * load-time checks run again.
 */
import { join } from 'node:path';
import { MiyabiError } from './errors.js';
import { type FsPort, O, closeQuietly, existsNoFollow, fsyncDir, ioError, writeAll } from './fs-port.js';
import {
  ACTIVE_FILE,
  type BadLine,
  corruptError,
  journalDir,
  lastSeqOfSegments,
  moveTailAside,
  scanFile,
  segmentName,
} from './journal-files.js';

export interface LoadedJournal {
  writer: ActiveFile;
  lastSeq: number;
  /** Payload for the `journal.tail-repaired` record the caller must append, when a tail was cut. */
  repaired: (BadLine & { file: string; bytes: number; movedTo: string }) | null;
}

export class ActiveFile {
  readonly dir: string;
  readonly path: string;
  /** Seq of the first record in the active file, null while it is empty. */
  firstSeq: number | null;
  private dirty = false;
  private poisoned: MiyabiError | null = null;
  /**
   * Closed once, never again: the healing's retries close a poisoned file before each reopen, and
   * a second close of the same number would close whatever the process opened since (an IPC
   * connection, a pipe to tmux) — the "status connection closed unanswered" of F19.
   */
  private closed = false;

  private constructor(
    private readonly fs: FsPort,
    root: string,
    private fd: number,
    private size: number,
    firstSeq: number | null,
    private readonly maxBytes: number,
  ) {
    this.dir = journalDir(root);
    this.path = join(this.dir, ACTIVE_FILE);
    this.firstSeq = firstSeq;
  }

  /**
   * Opens `<root>/journal/events.jsonl` (creating it) and checks every record. A bad last line (or
   * lines) is moved to `events.jsonl.broken-<ts>` and cut off; damage followed by valid records
   * throws JOURNAL_CORRUPT "<file>:<line>: <reason>" without touching anything.
   */
  static load(fs: FsPort, root: string, maxBytes: number): LoadedJournal {
    const dir = journalDir(root);
    const path = join(dir, ACTIVE_FILE);
    let fd: number | null = null;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const existed = existsNoFollow(fs, path);
      fd = fs.openSync(path, O.O_RDWR | O.O_CREAT | O.O_NOFOLLOW, 0o600);
      if (!existed) fsyncDir(fs, dir);
      const scan = scanFile(fs, fd);
      if (scan.bad && scan.validAfter !== null) throw corruptError(path, scan.bad, scan.validAfter);
      let repaired: LoadedJournal['repaired'] = null;
      if (scan.bad) {
        const movedTo = moveTailAside(fs, fd, path, scan.bad.offset, scan.size, Date.now());
        repaired = { file: ACTIVE_FILE, ...scan.bad, bytes: scan.size - scan.bad.offset, movedTo: movedTo.slice(dir.length + 1) };
      }
      const lastSeq = scan.lastSeq ?? lastSeqOfSegments(fs, dir) ?? 0;
      const writer = new ActiveFile(fs, root, fd, scan.goodEnd, scan.firstSeq, maxBytes);
      return { writer, lastSeq, repaired };
    } catch (e) {
      closeQuietly(fs, fd);
      throw ioError('journal: opening', path, e);
    }
  }

  /** Throws the poison error, if any. */
  usable(): void {
    if (this.poisoned) throw this.poisoned;
    if (this.closed) throw new MiyabiError('INTERNAL', `journal file ${this.path} is closed`);
  }

  get isPoisoned(): boolean {
    return this.poisoned !== null;
  }

  get hasUnsynced(): boolean {
    return this.dirty;
  }

  /** Appends one whole line for record `seq`, rotating first if the file would grow too big. */
  write(line: Buffer, seq: number, sync: boolean): void {
    this.usable();
    if (this.size > 0 && this.size + line.length > this.maxBytes) this.rotate();
    const at = this.size;
    try {
      writeAll(this.fs, this.fd, line, at);
    } catch (e) {
      this.undo(at, e);
      throw ioError('journal: append to', this.path, e);
    }
    if (sync) {
      try {
        this.fs.fsyncSync(this.fd);
      } catch (e) {
        this.undo(at, e);
        throw this.poison('fsync of', e);
      }
      this.dirty = false;
    } else {
      this.dirty = true;
    }
    this.size = at + line.length;
    this.firstSeq ??= seq;
  }

  /** fsync of what was written since the last one; a failure poisons. */
  sync(): void {
    this.usable();
    try {
      this.fs.fsyncSync(this.fd);
      this.dirty = false;
    } catch (e) {
      throw this.poison('fsync of', e);
    }
  }

  /** Flushes unless poisoned, then closes; throws the first error after closing anyway. Idempotent. */
  close(): void {
    if (this.closed) return;
    let err: unknown = null;
    if (this.dirty && !this.poisoned) {
      try {
        this.sync();
      } catch (e) {
        err = e;
      }
    }
    // Linux frees the descriptor even when close reports an error: it is not ours after this.
    this.closed = true;
    try {
      this.fs.closeSync(this.fd);
    } catch (e) {
      err ??= ioError('journal: closing', this.path, e);
    }
    if (err !== null) throw err;
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

  /**
   * events.jsonl → events-<firstSeq>.jsonl, then a fresh events.jsonl. The old file is fsynced
   * first so a rotated segment never has a torn tail. A failure before the switch leaves
   * everything as it was (the append throws; the next one retries the rotation).
   */
  private rotate(): void {
    if (this.firstSeq === null) return;
    this.sync();
    const segPath = join(this.dir, segmentName(this.firstSeq));
    try {
      this.fs.renameSync(this.path, segPath);
    } catch (e) {
      throw ioError('journal: rotating', this.path, e);
    }
    let fd: number;
    try {
      fd = this.fs.openSync(this.path, O.O_RDWR | O.O_CREAT | O.O_EXCL | O.O_NOFOLLOW, 0o600);
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
    closeQuietly(this.fs, this.fd); // fsynced above; Linux frees the descriptor even on error
    this.fd = fd;
    this.size = 0;
    this.firstSeq = null;
  }
}
