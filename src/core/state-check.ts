/**
 * What the next `up` will find in the journal and the snapshot, without changing anything
 * (issue #11, item 5): `doctor` reports it, and it judges with the code `up` loads with — the same
 * scan of each journal file (`scanPath`, whose verdict Journal.load acts on: a torn tail is cut
 * and kept aside, damage followed by valid records refuses to start) and the same `readSnapshot`
 * (a corrupt snapshot refuses to start). So doctor can no longer call "intact" what up repairs, or
 * "ok" what up refuses.
 */
import { join } from 'node:path';
import { isMiyabiError, MiyabiError } from './errors.js';
import { type FsPort, realFs } from './fs-port.js';
import { ACTIVE_FILE, corruptError, journalDir, listSegments, scanPath } from './journal-files.js';
import { readSnapshot } from './snapshot.js';

export type StateVerdict =
  | { level: 'ok'; what: string }
  | { level: 'warn' | 'fail'; what: string; fix: string };

function failed(e: unknown, fallbackFix: string): StateVerdict {
  const m = isMiyabiError(e) ? e : new MiyabiError('IO', String(e));
  return { level: 'fail', what: m.message, fix: m.hint ?? fallbackFix };
}

/** The journal: every segment and the active file, as Journal.load and replay would judge them. */
export function checkJournal(root: string, fs: FsPort = realFs): StateVerdict {
  const dir = journalDir(root);
  const repairFix = '`miyabi doctor --repair` keeps the valid records and moves the rest aside';
  try {
    let records = 0;
    let expect: number | undefined;
    for (const seg of listSegments(fs, dir)) {
      const path = join(dir, seg.name);
      const scan = scanPath(fs, path, seg.firstSeq);
      if (scan === null) continue;
      // A rotated segment is fsynced whole before its rename: any bad line in it is damage.
      if (scan.bad) return failed(corruptError(path, scan.bad, scan.validAfter), repairFix);
      records += scan.records;
      expect = (scan.lastSeq ?? seg.firstSeq - 1) + 1;
    }
    const path = join(dir, ACTIVE_FILE);
    const scan = scanPath(fs, path, expect);
    if (scan === null) return { level: 'ok', what: records ? `journal intact (${records} records)` : 'journal not created yet' };
    records += scan.records;
    if (scan.bad && scan.validAfter !== null) return failed(corruptError(path, scan.bad, scan.validAfter), repairFix);
    if (scan.bad) {
      return {
        level: 'warn',
        what: `journal has a torn last record: ${path}:${scan.bad.line}: ${scan.bad.reason} (${scan.size - scan.bad.offset} bytes after ${records} intact records)`,
        fix: 'the next `miyabi up` (or `miyabi doctor --repair`) moves the torn bytes to a .broken-<time> file and goes on',
      };
    }
    return { level: 'ok', what: `journal intact (${records} records)` };
  } catch (e) {
    return failed(e, repairFix);
  }
}

/** The snapshot, as the controller reads it on start (a corrupt one stops `up`). */
export function checkSnapshot(root: string, fs: FsPort = realFs): StateVerdict {
  try {
    const s = readSnapshot(root, { fs });
    return { level: 'ok', what: s ? `snapshot readable (up to journal record ${s.lastSeq})` : 'no snapshot yet' };
  } catch (e) {
    return failed(e, 'move the snapshot aside; the state is rebuilt from the journal');
  }
}
