/**
 * The state snapshot, `<root>/state/snapshot.json` (RELIABILITY.md "Journal and snapshot").
 *
 * Written the way ALICE says survives crashes (core/atomic-write.ts): write a temp file
 * `snapshot.json.tmp-<pid>-…`, fsync it, rename it over `snapshot.json`, fsync the directory. Until
 * the rename the old snapshot is untouched; after it, the new one is complete. Either way, snapshot + replay of records with seq > lastSeq gives the
 * exact state. A crash can leave a tmp file behind; `cleanStaleSnapshotTmp` removes it on start.
 */
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { MiyabiError } from './errors.js';
import { pidAlive } from './pid.js';
import { type FsPort, ioError, isNotFound, realFs } from './fs-port.js';

export interface SnapshotData {
  /** Seq of the last journal record whose effect is in this snapshot. */
  lastSeq: number;
  [key: string]: unknown;
}

export interface SnapshotOptions {
  fs?: FsPort;
}

export const SNAPSHOT_FILE = 'snapshot.json';
const TMP_RE = /^snapshot\.json\.tmp-(\d+)(?:-[0-9a-f]+)?$/;

export function snapshotDir(root: string): string {
  return join(root, 'state');
}

export function snapshotPath(root: string): string {
  return join(snapshotDir(root), SNAPSHOT_FILE);
}

/** Writes the snapshot durably (see the file comment). Returns its path and size. */
export function writeSnapshot<T extends { lastSeq: number }>(
  root: string,
  data: T,
  options: SnapshotOptions = {},
): { path: string; bytes: number } {
  const fs = options.fs ?? realFs;
  if (!Number.isSafeInteger(data.lastSeq) || data.lastSeq < 0) {
    throw new MiyabiError('INTERNAL', `snapshot: lastSeq must be a non-negative integer, got ${String(data.lastSeq)}`);
  }
  let json: string;
  try {
    json = `${JSON.stringify(data)}\n`;
  } catch (e) {
    throw new MiyabiError('INTERNAL', `snapshot: state is not JSON-serialisable: ${(e as Error).message}`, { cause: e });
  }
  const dir = snapshotDir(root);
  const path = join(dir, SNAPSHOT_FILE);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw ioError('snapshot: creating', dir, e);
  }
  // A crash can leave the temp file behind; cleanStaleSnapshotTmp removes it on the next start.
  return { path, bytes: writeFileAtomic(path, json, { fs, mode: 0o600, what: 'snapshot' }) };
}

/**
 * The last durable snapshot, or null when there is none. An unreadable one throws
 * SNAPSHOT_CORRUPT naming the file — it is never silently ignored, because the journal before its
 * lastSeq may already be compacted away.
 */
export function readSnapshot<T extends { lastSeq: number } = SnapshotData>(root: string, options: SnapshotOptions = {}): T | null {
  const fs = options.fs ?? realFs;
  const path = snapshotPath(root);
  let text: string;
  try {
    text = fs.readFileSync(path).toString('utf8');
  } catch (e) {
    if (isNotFound(e)) return null;
    throw ioError('snapshot: reading', path, e);
  }
  const hint =
    `move it aside (mv ${path} ${path}.bad) and restart: the state is then rebuilt from the journal, ` +
    'which is complete only if no journal segment was compacted yet (journal/events-*.jsonl start at 1)';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new MiyabiError('SNAPSHOT_CORRUPT', `${path}: not valid JSON (${(e as Error).message})`, { cause: e, hint, detail: { path } });
  }
  const lastSeq = (data as { lastSeq?: unknown } | null)?.lastSeq;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Number.isSafeInteger(lastSeq) || (lastSeq as number) < 0) {
    throw new MiyabiError('SNAPSHOT_CORRUPT', `${path}: "lastSeq" is missing or not a non-negative integer`, { hint, detail: { path } });
  }
  return data as T;
}

/**
 * Removes `snapshot.json.tmp-<pid>` files left by a crash. A tmp file of another live process is
 * kept (it may be writing right now); ours are always stale, since writeSnapshot is synchronous.
 * Returns the removed names.
 */
export function cleanStaleSnapshotTmp(
  root: string,
  options: SnapshotOptions & { isAlive?: (pid: number) => boolean } = {},
): string[] {
  const fs = options.fs ?? realFs;
  const isAlive = options.isAlive ?? pidAlive;
  const dir = snapshotDir(root);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw ioError('snapshot: listing', dir, e);
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TMP_RE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && isAlive(pid)) continue;
    try {
      fs.unlinkSync(join(dir, name));
      removed.push(name);
    } catch (e) {
      if (!isNotFound(e)) throw ioError('snapshot: removing', join(dir, name), e);
    }
  }
  return removed;
}
