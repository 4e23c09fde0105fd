/**
 * The controller's side of the bus: scan `new/` (the truth; a file watcher is only a hint),
 * quarantine junk with a reason (B11), and move delivered messages to `cur/<id>:2,D` (or `:2,F`
 * for a failed delivery).
 *
 * Files are looked at with lstat first (a symlink, FIFO or device is never opened) and opened with
 * O_NOFOLLOW|O_NONBLOCK, then checked again with fstat against the lstat (same inode).
 */
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { MiyabiError } from '../core/errors.js';
import { type FsPort, O, closeQuietly, fsyncDir, ioError, isNotFound, realFs } from '../core/fs-port.js';
import { MAX_HEADER_BYTES, type ParsedMessage, parseMessage } from './format.js';
import { compareIds, parseId } from './ids.js';
import { inboxPaths } from './layout.js';
import { type QuarantineCode, type Quarantined, quarantineEntry } from './quarantine.js';
import { DEFAULT_MAX_BODY_BYTES, type Priority } from './validate.js';

export { cleanStaleTmp, type Quarantined } from './quarantine.js';
export { recipients } from './layout.js';

export interface ReadOptions {
  fs?: FsPort;
  maxBodyBytes?: number;
  /** Our uid (default process.getuid()); files owned by anyone else are quarantined. */
  uid?: number;
}

export interface ScanResult {
  /** Pending messages in delivery order: priority high > normal > low, then id. */
  messages: ParsedMessage[];
  /** Junk moved out of `new/` by this scan, for the journal. */
  quarantined: Quarantined[];
}

export type Entry =
  | { kind: 'message'; message: ParsedMessage }
  | { kind: 'junk'; code: QuarantineCode; reason: string }
  | { kind: 'gone' };

const RANK: Record<Priority, number> = { high: 0, normal: 1, low: 2 };

/** Delivery order: priority, then id. */
export function compareForDelivery(a: ParsedMessage, b: ParsedMessage): number {
  return RANK[a.priority] - RANK[b.priority] || compareIds(a.id, b.id);
}

function readFile(fs: FsPort, path: string, st: Stats): Buffer | 'changed' {
  let fd: number | null = null;
  try {
    fd = fs.openSync(path, O.O_RDONLY | O.O_NOFOLLOW | O.O_NONBLOCK);
    const fst = fs.fstatSync(fd);
    if (!fst.isFile() || fst.ino !== st.ino || fst.dev !== st.dev) return 'changed';
    const buf = Buffer.allocUnsafe(fst.size);
    let done = 0;
    while (done < buf.length) {
      const n = fs.readSync(fd, buf, done, buf.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return done === buf.length ? buf : buf.subarray(0, done);
  } finally {
    closeQuietly(fs, fd);
  }
}

/** Looks at one file, `<dir>/<name>`, and says what it is; moves nothing. */
export function inspectFile(dir: string, name: string, recipient: string, idName: string, options: ReadOptions = {}): Entry {
  const fs = options.fs ?? realFs;
  const uid = options.uid ?? process.getuid?.() ?? 0;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const junk = (code: QuarantineCode, reason: string): Entry => ({ kind: 'junk', code, reason });
  if (name.startsWith('.')) return junk('dotfile', 'the name starts with a dot (maildir(5): such files are not messages)');
  const path = join(dir, name);
  let st: Stats;
  try {
    st = fs.lstatSync(path);
  } catch (e) {
    if (isNotFound(e)) return { kind: 'gone' };
    return junk('unreadable', `cannot be examined: ${(e as Error).message}`);
  }
  if (st.isSymbolicLink()) return junk('symlink', 'is a symbolic link (the bus never follows links)');
  if (!st.isFile()) return junk('not-regular', `is ${st.isDirectory() ? 'a directory' : 'not a regular file'}`);
  if (st.uid !== uid) return junk('foreign-owner', `is owned by uid ${st.uid}, not by uid ${uid}`);
  if (st.size === 0) return junk('empty-file', 'is empty (zero bytes)');
  const limit = maxBody + MAX_HEADER_BYTES + 2;
  if (st.size > limit) return junk('oversize', `is ${st.size} bytes, over the limit of ${limit} bytes`);
  let buf: Buffer | 'changed';
  try {
    buf = readFile(fs, path, st);
  } catch (e) {
    if (isNotFound(e)) return { kind: 'gone' };
    return junk('unreadable', `cannot be read: ${(e as Error).message}`);
  }
  if (buf === 'changed') return junk('changed', 'was replaced while it was being read');
  const parsed = parseMessage(buf, idName, { maxBodyBytes: maxBody, inbox: recipient });
  return parsed.ok ? { kind: 'message', message: parsed.message } : junk(parsed.code, parsed.reason);
}

/** Reads `new/<name>`: a message, or junk (then moved to quarantine), or gone (taken meanwhile). */
export function readEntry(busDir: string, recipient: string, name: string, options: ReadOptions = {}): Entry & { quarantined?: Quarantined } {
  if (name.includes('/') || name === '.' || name === '..' || name === '') {
    throw new MiyabiError('INTERNAL', `${JSON.stringify(name)} is not a file name in new/`);
  }
  const box = inboxPaths(busDir, recipient);
  const entry = inspectFile(box.new, name, recipient, name, options);
  if (entry.kind !== 'junk') return entry;
  return { ...entry, quarantined: quarantineEntry(busDir, recipient, name, entry.code, entry.reason, options.fs ?? realFs) };
}

/** All pending messages of `recipient`, in delivery order; junk is quarantined on the way. */
export function scanInbox(busDir: string, recipient: string, options: ReadOptions = {}): ScanResult {
  const fs = options.fs ?? realFs;
  const box = inboxPaths(busDir, recipient);
  let names: string[];
  try {
    names = fs.readdirSync(box.new);
  } catch (e) {
    if (isNotFound(e)) return { messages: [], quarantined: [] };
    throw ioError('bus: listing', box.new, e);
  }
  const messages: ParsedMessage[] = [];
  const quarantined: Quarantined[] = [];
  for (const name of names) {
    const entry = readEntry(busDir, recipient, name, options);
    if (entry.kind === 'message') messages.push(entry.message);
    else if (entry.quarantined !== undefined) quarantined.push(entry.quarantined);
  }
  messages.sort(compareForDelivery);
  return { messages, quarantined };
}

function checkId(id: string): void {
  if (parseId(id) === null) throw new MiyabiError('USAGE', `${JSON.stringify(id)} is not a message id`, { hint: 'ids look like 1760000000123456789.conductor.000042.31337' });
}

export type Outcome = 'D' | 'F';

/** `new/<id>` → `cur/<id>:2,<D|F>`, then fsync of `cur/`; returns the new path. */
export function markDelivered(busDir: string, recipient: string, id: string, outcome: Outcome, options: { fs?: FsPort; sync?: boolean } = {}): string {
  const fs = options.fs ?? realFs;
  checkId(id);
  if (outcome !== 'D' && outcome !== 'F') throw new MiyabiError('INTERNAL', `outcome ${String(outcome)} is not D or F`);
  const box = inboxPaths(busDir, recipient);
  const from = join(box.new, id);
  const to = join(box.cur, `${id}:2,${outcome}`);
  try {
    try {
      fs.renameSync(from, to);
    } catch (e) {
      if (!isNotFound(e) || !fs.lstatSync(from).isFile()) throw e;
      fs.mkdirSync(box.cur, { mode: 0o700 }); // cur/ was missing, the message is there
      fs.renameSync(from, to);
    }
    if (options.sync !== false) fsyncDir(fs, box.cur);
  } catch (e) {
    if (isNotFound(e)) {
      throw new MiyabiError('NOT_FOUND', `message ${id} is not pending in ${box.new}`, { hint: 'it was delivered or quarantined already', cause: e });
    }
    throw ioError(`bus: marking ${id} as ${outcome === 'D' ? 'delivered' : 'failed'}:`, to, e);
  }
  return to;
}

/**
 * A batch of messages typed in one paste: every rename, then one fsync of `cur/` (a sync per
 * message cost more than the typing). Returns the ids that failed to move, with the reason.
 */
export function markDeliveredMany(busDir: string, recipient: string, ids: readonly string[], outcome: Outcome, options: { fs?: FsPort } = {}): Array<{ id: string; error: unknown }> {
  const fs = options.fs ?? realFs;
  const failed: Array<{ id: string; error: unknown }> = [];
  for (const id of ids) {
    try {
      markDelivered(busDir, recipient, id, outcome, { fs, sync: false });
    } catch (error) {
      failed.push({ id, error });
    }
  }
  try {
    fsyncDir(fs, inboxPaths(busDir, recipient).cur);
  } catch (error) {
    for (const id of ids) if (!failed.some((f) => f.id === id)) failed.push({ id, error });
  }
  return failed;
}

export interface CurEntry {
  id: string;
  outcome: 'delivered' | 'failed';
  name: string;
}

/** Messages in `cur/`, by id. */
export function listCur(busDir: string, recipient: string, options: { fs?: FsPort } = {}): CurEntry[] {
  const fs = options.fs ?? realFs;
  const box = inboxPaths(busDir, recipient);
  let names: string[];
  try {
    names = fs.readdirSync(box.cur);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw ioError('bus: listing', box.cur, e);
  }
  const out: CurEntry[] = [];
  for (const name of names) {
    const m = /^([^:]+):2,([A-Z]*)$/.exec(name);
    if (m === null || parseId(m[1]!) === null) continue;
    out.push({ id: m[1]!, outcome: m[2]!.includes('F') ? 'failed' : 'delivered', name });
  }
  return out.sort((a, b) => compareIds(a.id, b.id));
}

export type StoredMessage =
  | { state: 'pending' | 'delivered' | 'failed'; path: string; message: ParsedMessage }
  | { state: 'pending' | 'delivered' | 'failed'; path: string; message: null; problem: string };

/** One message by id, pending or done (for `miyabi inbox`); null when there is none. Moves nothing. */
export function readMessage(busDir: string, recipient: string, id: string, options: ReadOptions = {}): StoredMessage | null {
  checkId(id);
  const box = inboxPaths(busDir, recipient);
  let dir = box.new;
  let name = id;
  let state: StoredMessage['state'] = 'pending';
  let entry = inspectFile(dir, name, recipient, id, options);
  if (entry.kind === 'gone') {
    const done = listCur(busDir, recipient, options).find((c) => c.id === id);
    if (done === undefined) return null;
    [dir, name, state] = [box.cur, done.name, done.outcome];
    entry = inspectFile(dir, name, recipient, id, options);
  }
  const path = join(dir, name);
  if (entry.kind === 'gone') return null;
  if (entry.kind === 'junk') return { state, path, message: null, problem: entry.reason };
  return { state, path, message: entry.message };
}
