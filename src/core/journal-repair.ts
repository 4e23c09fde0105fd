/**
 * `miyabi doctor --repair` for the journal (Redis `redis-check-aof --fix`, etcd `wal.Repair`): for
 * damage that `Journal.open` refuses to touch because valid records follow it.
 *
 * It finds the first invalid line across all files (segments oldest first, then events.jsonl),
 * keeps the valid prefix, and moves everything from that line on aside — the rest of that file into
 * `<file>.broken-<ts>`, every later file renamed to `<name>.broken-<ts>` — so nothing is deleted and
 * seqs stay gap-free. If the damage was in a segment, that segment becomes the active file again.
 * The repair itself is journaled as `journal.repaired`.
 */
import { basename, join } from 'node:path';
import { type FsPort, O, closeQuietly, existsNoFollow, fsyncDir, ioError, realFs } from './fs-port.js';
import { ACTIVE_FILE, type FileScan, journalDir, listSegments, moveTailAside, scanPath } from './journal-files.js';
import { Journal } from './journal.js';

export interface RepairReport {
  /** False when no damage was found (nothing was changed). */
  repaired: boolean;
  /** Where the first invalid line was, and why. */
  file?: string;
  line?: number;
  reason?: string;
  /** Names of the `.broken-<ts>` files created, in the journal directory. */
  movedTo: string[];
  /** Last seq of the kept records (before the `journal.repaired` record). */
  lastSeq: number;
}

interface Found {
  index: number;
  scan: FileScan & { bad: NonNullable<FileScan['bad']> };
}

function renameAside(fs: FsPort, path: string, ts: number): string {
  let target = `${path}.broken-${ts}`;
  for (let i = 1; existsNoFollow(fs, target); i++) target = `${path}.broken-${ts}-${i}`;
  try {
    fs.renameSync(path, target);
  } catch (e) {
    throw ioError('journal repair: moving aside', path, e);
  }
  return target;
}

export function repairJournal(root: string, options: { fs?: FsPort } = {}): RepairReport {
  const fs = options.fs ?? realFs;
  const dir = journalDir(root);
  const files = [...listSegments(fs, dir).map((s) => ({ name: s.name, firstSeq: s.firstSeq as number | null })), { name: ACTIVE_FILE, firstSeq: null }];
  let expected: number | undefined;
  let found: Found | null = null;
  for (let i = 0; i < files.length && found === null; i++) {
    const f = files[i] as (typeof files)[number];
    const scan = scanPath(fs, join(dir, f.name), expected ?? f.firstSeq ?? undefined);
    if (scan === null) continue;
    if (scan.bad !== null) found = { index: i, scan: scan as Found['scan'] };
    else if (scan.lastSeq !== null) expected = scan.lastSeq + 1;
  }
  const keptLastSeq = (expected ?? 1) - 1;
  if (found === null) return { repaired: false, movedTo: [], lastSeq: keptLastSeq };

  const ts = Date.now();
  const badName = (files[found.index] as (typeof files)[number]).name;
  const badPath = join(dir, badName);
  const movedTo: string[] = [];
  // 1. The damaged file's tail, copied durably before it is cut off.
  let fd: number;
  try {
    fd = fs.openSync(badPath, O.O_RDWR);
  } catch (e) {
    throw ioError('journal repair: opening', badPath, e);
  }
  try {
    movedTo.push(basename(moveTailAside(fs, fd, badPath, found.scan.bad.offset, found.scan.size, ts)));
  } finally {
    closeQuietly(fs, fd);
  }
  // 2. Every later file, whole (including events.jsonl when the damage is in a segment).
  for (const later of files.slice(found.index + 1)) {
    const p = join(dir, later.name);
    if (existsNoFollow(fs, p)) movedTo.push(basename(renameAside(fs, p, ts)));
  }
  // 3. A damaged segment is now the newest file: it becomes the active one again.
  if (badName !== ACTIVE_FILE) {
    try {
      fs.renameSync(badPath, join(dir, ACTIVE_FILE));
    } catch (e) {
      throw ioError('journal repair: renaming to events.jsonl', badPath, e);
    }
  }
  try {
    fsyncDir(fs, dir);
  } catch (e) {
    throw ioError('journal repair: fsync of', dir, e);
  }
  const lastSeq = found.scan.lastSeq ?? keptLastSeq;
  const journal = Journal.open(root, { fs, fsync: 'always' });
  try {
    journal.appendDurable('journal.repaired', {
      file: badName,
      line: found.scan.bad.line,
      offset: found.scan.bad.offset,
      reason: found.scan.bad.reason,
      movedTo,
      keptLastSeq: lastSeq,
    });
  } finally {
    journal.close();
  }
  return { repaired: true, file: badName, line: found.scan.bad.line, reason: found.scan.bad.reason, movedTo, lastSeq };
}
