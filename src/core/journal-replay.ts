/**
 * Reading the journal back: segments oldest first, then the active file, checking every CRC and
 * that seqs run 1, 2, 3… with no gap across files. Used by `Journal#replay` and by read-only tools
 * (doctor, reports, tests) that must not repair anything.
 */
import { join } from 'node:path';
import { MiyabiError } from './errors.js';
import { type FsPort, O, closeQuietly, ioError, isNotFound, realFs } from './fs-port.js';
import { ACTIVE_FILE, corruptError, journalDir, listSegments } from './journal-files.js';
import { type JournalRecord, decodeLine, scanLines } from './journal-format.js';

export interface ReplayOptions {
  /** Yield records with seq > afterSeq (recovery passes the snapshot's lastSeq). Default 0. */
  afterSeq?: number;
  /** Stop after this seq (a live journal passes its lastSeq at the start of the replay). */
  untilSeq?: number;
  fs?: FsPort;
}

interface FileToRead {
  path: string;
  /** From the segment's name; null for the active file. */
  firstSeq: number | null;
  active: boolean;
}

function missingRecords(afterSeq: number, seq: number): MiyabiError {
  return new MiyabiError(
    'JOURNAL_CORRUPT',
    `journal has no records ${afterSeq + 1}..${seq - 1}: the oldest one on disk after seq ${afterSeq} is ${seq}`,
    {
      hint: 'they were compacted after a snapshot or lost; start from a snapshot whose lastSeq is at least ' + (seq - 1),
      detail: { afterSeq, firstAvailable: seq },
    },
  );
}

/**
 * Yields the records with `afterSeq < seq <= untilSeq`. A torn last line of the active file ends
 * the replay quietly (opening the journal for writing repairs it); any other bad line throws
 * MiyabiError('JOURNAL_CORRUPT', "<file>:<line>: <reason>").
 *
 * All files are opened when iteration starts, so a rotation or compaction during a slow consumer
 * cannot pull a file away. Finish the loop (or `break`, which closes them) rather than dropping a
 * half-used generator.
 */
export function* replayJournal(root: string, options: ReplayOptions = {}): Generator<JournalRecord> {
  const fs = options.fs ?? realFs;
  const afterSeq = options.afterSeq ?? 0;
  const untilSeq = options.untilSeq ?? Number.POSITIVE_INFINITY;
  const dir = journalDir(root);
  const segs = listSegments(fs, dir);
  const files: FileToRead[] = [];
  segs.forEach((s, i) => {
    const next = segs[i + 1];
    // Skip whole segments that end at or before afterSeq: recovery reads only what it needs.
    if (next !== undefined && next.firstSeq - 1 <= afterSeq) return;
    files.push({ path: join(dir, s.name), firstSeq: s.firstSeq, active: false });
  });
  files.push({ path: join(dir, ACTIVE_FILE), firstSeq: null, active: true });

  const fds: Array<number | null> = [];
  let current = dir;
  try {
    for (const f of files) {
      current = f.path;
      try {
        fds.push(fs.openSync(f.path, O.O_RDONLY | O.O_NOFOLLOW));
      } catch (e) {
        if (!(f.active && isNotFound(e))) throw e;
        fds.push(null);
      }
    }
    let expected: number | null = null;
    let yielded = false;
    for (let i = 0; i < files.length; i++) {
      const f = files[i] as FileToRead;
      const fd = fds[i];
      if (fd === null || fd === undefined) continue;
      current = f.path;
      let first = true;
      for (const raw of scanLines(fs, fd)) {
        const where = { line: raw.line, offset: raw.offset };
        if (!raw.terminated) {
          if (f.active) break;
          throw corruptError(f.path, { ...where, reason: 'incomplete record (no trailing newline)' });
        }
        const r = decodeLine(raw.buf, raw.start, raw.end);
        if (!r.ok) throw corruptError(f.path, { ...where, reason: r.reason });
        const seq = r.record.seq;
        if (first && f.firstSeq !== null && seq !== f.firstSeq) {
          throw corruptError(f.path, { ...where, reason: `seq ${seq}, but the file name says it starts at ${f.firstSeq}` });
        }
        if (expected !== null && seq !== expected) {
          throw corruptError(f.path, { ...where, reason: `seq ${seq} where ${expected} was expected` });
        }
        first = false;
        expected = seq + 1;
        if (seq <= afterSeq) continue;
        if (seq > untilSeq) return;
        if (!yielded && seq !== afterSeq + 1) throw missingRecords(afterSeq, seq);
        yielded = true;
        yield r.record;
      }
    }
  } catch (e) {
    throw ioError('journal: reading', current, e);
  } finally {
    for (const fd of fds) closeQuietly(fs, fd);
  }
}
