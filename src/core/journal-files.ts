/**
 * The journal's files in `<root>/journal/`:
 *
 * - `events.jsonl` — the active file, the only one ever appended to;
 * - `events-<firstSeq>.jsonl` — rotated segments (firstSeq zero-padded to 12 digits so `ls` and
 *   `cat events-*.jsonl events.jsonl` keep order), immutable, fsynced before the rename;
 * - `<file>.broken-<ts>` — bytes moved aside by a tail repair or `repairJournal`, never read again.
 */
import { dirname, join } from 'node:path';
import { MiyabiError } from './errors.js';
import { type FsPort, O, closeQuietly, fsyncDir, ioError, isNotFound, writeAll } from './fs-port.js';
import { checkLine, scanLines } from './journal-format.js';

export const ACTIVE_FILE = 'events.jsonl';
const SEGMENT_RE = /^events-(\d+)\.jsonl$/;

export function journalDir(root: string): string {
  return join(root, 'journal');
}

export function segmentName(firstSeq: number): string {
  return `events-${String(firstSeq).padStart(12, '0')}.jsonl`;
}

export interface SegmentFile {
  name: string;
  firstSeq: number;
}

/** Rotated segments, oldest first. A missing directory has none. */
export function listSegments(fs: FsPort, dir: string): SegmentFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw ioError('journal: listing', dir, e);
  }
  const out: SegmentFile[] = [];
  for (const name of names) {
    const m = SEGMENT_RE.exec(name);
    if (m?.[1] !== undefined) out.push({ name, firstSeq: Number(m[1]) });
  }
  return out.sort((a, b) => a.firstSeq - b.firstSeq);
}

export interface BadLine {
  line: number;
  offset: number;
  reason: string;
}

export interface FileScan {
  /** Bytes in the file when scanned. */
  size: number;
  /** End of the last good record (where a repair truncates). */
  goodEnd: number;
  firstSeq: number | null;
  lastSeq: number | null;
  records: number;
  /** The first invalid line, if any. */
  bad: BadLine | null;
  /** Line number of the first valid record after `bad` (then it is mid-file damage, not a torn tail). */
  validAfter: number | null;
}

/**
 * Reads a whole journal file and finds its first invalid line: no trailing `\n`, bad JSON, CRC
 * mismatch, or a seq that does not follow the one before (or `expectFirst` for the first record).
 * After a bad line it keeps reading only to learn whether any valid record follows.
 */
export function scanFile(fs: FsPort, fd: number, expectFirst?: number): FileScan {
  const scan: FileScan = { size: 0, goodEnd: 0, firstSeq: null, lastSeq: null, records: 0, bad: null, validAfter: null };
  for (const raw of scanLines(fs, fd)) {
    scan.size = raw.offset + (raw.end - raw.start) + (raw.terminated ? 1 : 0);
    if (scan.validAfter !== null) continue; // only measuring the size now
    if (scan.bad !== null) {
      if (raw.terminated && checkLine(raw.buf, raw.start, raw.end).ok) scan.validAfter = raw.line;
      continue;
    }
    let reason: string | null = null;
    if (!raw.terminated) {
      reason = 'incomplete record (no trailing newline)';
    } else {
      const r = checkLine(raw.buf, raw.start, raw.end);
      if (!r.ok) reason = r.reason;
      else {
        const want = scan.lastSeq !== null ? scan.lastSeq + 1 : expectFirst;
        if (want !== undefined && r.seq !== want) reason = `seq ${r.seq} where ${want} was expected`;
        else {
          scan.firstSeq ??= r.seq;
          scan.lastSeq = r.seq;
          scan.records += 1;
          scan.goodEnd = scan.size;
        }
      }
    }
    if (reason !== null) scan.bad = { line: raw.line, offset: raw.offset, reason };
  }
  return scan;
}

/** Opens and scans one file read-only; null when it does not exist. */
export function scanPath(fs: FsPort, path: string, expectFirst?: number): FileScan | null {
  let fd: number;
  try {
    fd = fs.openSync(path, O.O_RDONLY | O.O_NOFOLLOW);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw ioError('journal: opening', path, e);
  }
  try {
    return scanFile(fs, fd, expectFirst);
  } catch (e) {
    throw ioError('journal: reading', path, e);
  } finally {
    closeQuietly(fs, fd);
  }
}

export function corruptError(path: string, bad: BadLine, followedBy?: number | null): MiyabiError {
  const tail = followedBy ? ` (valid records follow at line ${followedBy})` : '';
  return new MiyabiError('JOURNAL_CORRUPT', `${path}:${bad.line}: ${bad.reason}${tail}`, {
    hint:
      `run \`miyabi doctor --repair\` to move line ${bad.line} and everything after it to a ` +
      `.broken-<time> file beside it and keep the ${bad.line - 1} valid line(s) before it ` +
      '(or restore the journal from a backup)',
    detail: { path, line: bad.line, offset: bad.offset, reason: bad.reason },
  });
}

/** Last seq stored in the rotated segments (null when there are none): the newest one is read. */
export function lastSeqOfSegments(fs: FsPort, dir: string): number | null {
  const segs = listSegments(fs, dir);
  const newest = segs[segs.length - 1];
  if (newest === undefined) return null;
  const path = join(dir, newest.name);
  const scan = scanPath(fs, path, newest.firstSeq);
  if (scan === null) return null;
  if (scan.bad) throw corruptError(path, scan.bad, scan.validAfter);
  return scan.lastSeq ?? newest.firstSeq - 1;
}

/** A name `<path>.broken-<ts>` that does not exist yet, created empty with O_EXCL; returns its fd. */
export function createBrokenFile(fs: FsPort, path: string, ts: number): { fd: number; path: string } {
  for (let i = 0; ; i++) {
    const candidate = `${path}.broken-${ts}${i === 0 ? '' : `-${i}`}`;
    try {
      return { fd: fs.openSync(candidate, O.O_WRONLY | O.O_CREAT | O.O_EXCL, 0o600), path: candidate };
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST' || i > 100) throw e;
    }
  }
}

/** Copies bytes [from, to) of `src` to the start of `dst` in 1 MiB chunks. */
export function copyRange(fs: FsPort, src: number, from: number, to: number, dst: number): void {
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, to - from)));
  let pos = from;
  while (pos < to) {
    const n = fs.readSync(src, buf, 0, Math.min(buf.length, to - pos), pos);
    if (n === 0) break;
    writeAll(fs, dst, buf.subarray(0, n), pos - from);
    pos += n;
  }
}

/**
 * Moves bytes [from, size) of the file open as `fd` into a new `<path>.broken-<ts>` file, then
 * truncates the file to `from`. Order matters for a crash in between: the copy is durable (file
 * and directory fsynced) before anything is cut, so the worst case is the same tail saved twice.
 * Returns the path of the .broken file.
 */
export function moveTailAside(fs: FsPort, fd: number, path: string, from: number, size: number, ts: number): string {
  let broken: { fd: number; path: string };
  try {
    broken = createBrokenFile(fs, path, ts);
  } catch (e) {
    throw ioError('journal: creating a .broken file beside', path, e);
  }
  try {
    copyRange(fs, fd, from, size, broken.fd);
    fs.fsyncSync(broken.fd);
  } catch (e) {
    closeQuietly(fs, broken.fd);
    try {
      fs.unlinkSync(broken.path); // a half copy would only mislead whoever reads it later
    } catch {
      // left behind; harmless, it is never read
    }
    throw ioError('journal: saving the damaged tail to', broken.path, e);
  }
  closeQuietly(fs, broken.fd); // the data is already fsynced
  try {
    fsyncDir(fs, dirname(path));
    fs.ftruncateSync(fd, from);
    fs.fsyncSync(fd);
  } catch (e) {
    throw ioError('journal: truncating the damaged tail of', path, e);
  }
  return broken.path;
}
