/**
 * Reading the journal for metrics, fast: `report` must fold a million records in well under a
 * second, and JSON-parsing every line costs several. Each line's seq, ts and type are read from
 * the bytes in the fixed layout the writer uses (core/journal-format.ts), and only lines the fold
 * reads (`FOLDED_TYPES`) and that are new (seq > afterSeq) are parsed. CRCs are not checked here:
 * this is a read-only view, and the journal's own replay (controller start, doctor) checks them;
 * a line that does not parse still stops the report with its file and line.
 */
import { join } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { O, closeQuietly, realFs } from '../core/fs-port.js';
import { ACTIVE_FILE, corruptError, journalDir, listSegments } from '../core/journal-files.js';
import { scanLines } from '../core/journal-format.js';
import type { FoldRecord } from './fold.js';

const PREFIX = Buffer.from('{"seq":');
const TYPE_KEY = Buffer.from(',"type":"');

function digits(buf: Buffer, i: number, end: number): [number, number] {
  let n = 0;
  let j = i;
  for (; j < end; j++) {
    const b = buf[j] as number;
    if (b < 0x30 || b > 0x39) break;
    n = n * 10 + (b - 0x30);
  }
  return [n, j];
}

const PROBE = 64 * 1024;

/** file:line when the scan began at the start of the file; the byte offset after a seek. */
function bad(path: string, from: number, raw: { line: number; offset: number }, reason: string): MiyabiError {
  if (from === 0) return corruptError(path, { line: raw.line, offset: raw.offset, reason });
  return new MiyabiError('JOURNAL_CORRUPT', `${path} at byte ${raw.offset}: ${reason}`, { hint: 'run `miyabi doctor` to find the damaged line' });
}

/**
 * The offset of a line at or before the first record with seq > afterSeq, found by bisecting the
 * file (seqs grow line by line): a start after a checkpoint reads only the tail, not the megabytes
 * before it. Falls back towards the start when a probe finds no whole line.
 */
function seekAfter(fd: number, size: number, afterSeq: number): number {
  const buf = Buffer.allocUnsafe(PROBE);
  let lo = 0;
  let hi = size;
  while (hi - lo > PROBE) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const n = realFs.readSync(fd, buf, 0, PROBE, mid);
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl < 0 || nl + 1 + PREFIX.length >= n || buf.compare(PREFIX, 0, PREFIX.length, nl + 1, nl + 1 + PREFIX.length) !== 0) break;
    const [seq] = digits(buf, nl + 1 + PREFIX.length, n);
    if (seq <= afterSeq) lo = mid + nl + 1;
    else hi = mid;
  }
  return lo;
}

export interface ScanOptions {
  afterSeq?: number;
  /** Types to parse; others are skipped after reading their seq. */
  types: ReadonlySet<string>;
}

/** Records with seq > afterSeq whose type is in `types`, oldest first; other types come with a null payload (their seq only). */
export function* scanJournal(root: string, o: ScanOptions): Generator<FoldRecord> {
  const afterSeq = o.afterSeq ?? 0;
  const dir = journalDir(root);
  const segs = listSegments(realFs, dir);
  const files: string[] = [];
  segs.forEach((s, i) => {
    const next = segs[i + 1];
    if (next !== undefined && next.firstSeq - 1 <= afterSeq) return;
    files.push(join(dir, s.name));
  });
  files.push(join(dir, ACTIVE_FILE));
  for (const [i, path] of files.entries()) {
    let fd: number;
    try {
      fd = realFs.openSync(path, O.O_RDONLY | O.O_NOFOLLOW);
    } catch (e) {
      if (i === files.length - 1 && (e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    try {
      const from = afterSeq > 0 ? seekAfter(fd, realFs.fstatSync(fd).size, afterSeq) : 0;
      for (const raw of scanLines(realFs, fd, Number.POSITIVE_INFINITY, from)) {
        if (!raw.terminated) break; // a torn tail: the controller repairs it, a reader stops there
        const { buf, start, end } = raw;
        if (buf.compare(PREFIX, 0, PREFIX.length, start, start + PREFIX.length) !== 0) {
          throw bad(path, from, raw, 'not a journal record');
        }
        const [seq, j] = digits(buf, start + PREFIX.length, end);
        if (seq <= afterSeq) continue;
        // `,"ts":<n>,"type":"<type>"`: 6 bytes of `,"ts":`, then the number.
        const [, k] = digits(buf, j + 6, end);
        if (buf.compare(TYPE_KEY, 0, TYPE_KEY.length, k, k + TYPE_KEY.length) !== 0) {
          throw bad(path, from, raw, 'not a journal record');
        }
        const q = buf.indexOf(0x22, k + TYPE_KEY.length);
        if (q < 0 || q > end) throw bad(path, from, raw, 'not a journal record');
        const type = buf.toString('latin1', k + TYPE_KEY.length, q);
        if (!o.types.has(type)) {
          yield { seq, ts: 0, type, payload: null };
          continue;
        }
        let rec: FoldRecord;
        try {
          rec = JSON.parse(buf.toString('utf8', start, end)) as FoldRecord;
        } catch (e) {
          throw bad(path, from, raw, `bad JSON (${(e as Error).message})`);
        }
        yield rec;
      }
    } finally {
      closeQuietly(realFs, fd);
    }
  }
}
