/**
 * The fault seam for persistence (RELIABILITY.md "Fault seams"): journal, snapshot and private-dir
 * code do all their file I/O through this small port over the synchronous `node:fs` calls, so unit
 * tests can swap in `FaultyFs` (faulty-fs.ts) and run SQLite's "fail at op N" loop.
 *
 * Only synchronous calls: the journal is written by one process, and a sync write makes "append()
 * returned" mean "the bytes are in the file" with no interleaving to reason about.
 */
import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { MiyabiError } from './errors.js';

export interface FsPort {
  openSync(path: string, flags: number, mode?: number): number;
  closeSync(fd: number): void;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
  fstatSync(fd: number): nodeFs.Stats;
  fchmodSync(fd: number, mode: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  mkdirSync(path: string, options: { recursive?: boolean; mode?: number }): void;
  readdirSync(path: string): string[];
  readFileSync(path: string): Buffer;
  statSync(path: string): nodeFs.Stats;
  lstatSync(path: string): nodeFs.Stats;
  readlinkSync(path: string): string;
}

/** The real thing: a thin pass-through to `node:fs`. */
export const realFs: FsPort = {
  openSync: (p, flags, mode) => nodeFs.openSync(p, flags, mode),
  closeSync: (fd) => nodeFs.closeSync(fd),
  readSync: (fd, buf, off, len, pos) => nodeFs.readSync(fd, buf, off, len, pos),
  writeSync: (fd, buf, off, len, pos) => nodeFs.writeSync(fd, buf, off, len, pos),
  fsyncSync: (fd) => nodeFs.fsyncSync(fd),
  ftruncateSync: (fd, len) => nodeFs.ftruncateSync(fd, len),
  fstatSync: (fd) => nodeFs.fstatSync(fd),
  fchmodSync: (fd, mode) => nodeFs.fchmodSync(fd, mode),
  renameSync: (a, b) => nodeFs.renameSync(a, b),
  unlinkSync: (p) => nodeFs.unlinkSync(p),
  mkdirSync: (p, o) => {
    nodeFs.mkdirSync(p, o);
  },
  readdirSync: (p) => nodeFs.readdirSync(p),
  readFileSync: (p) => nodeFs.readFileSync(p),
  statSync: (p) => nodeFs.statSync(p),
  lstatSync: (p) => nodeFs.lstatSync(p),
  readlinkSync: (p) => nodeFs.readlinkSync(p),
};

export const O = nodeFs.constants;

/** The errno code of a node fs error (`'ENOENT'`, `'EIO'`…), or undefined. */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isNotFound(e: unknown): boolean {
  return errnoCode(e) === 'ENOENT';
}

/** Writes all of `buf` at `position`, looping over short writes. */
export function writeAll(fs: FsPort, fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) {
    const n = fs.writeSync(fd, buf, done, buf.length - done, position + done);
    if (n <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
    done += n;
  }
}

/**
 * fsync of a directory makes a create, rename or unlink in it durable (the ALICE pattern; Dovecot
 * `maildir_transaction_fsync_dirs`). Without it a crash can undo a rename that already returned.
 */
export function fsyncDir(fs: FsPort, dir: string): void {
  const fd = fs.openSync(dir, O.O_RDONLY | O.O_DIRECTORY);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Closes without throwing: used on error paths, where the first error is the one to report. */
export function closeQuietly(fs: FsPort, fd: number | null | undefined): void {
  if (fd === null || fd === undefined) return;
  try {
    fs.closeSync(fd);
  } catch {
    // Linux releases the descriptor even when close reports an error; nothing more to do.
  }
}

export function existsNoFollow(fs: FsPort, path: string): boolean {
  try {
    fs.lstatSync(path);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

function hintFor(code: string | undefined, path: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `free some disk space on the file system holding ${dirname(path)}, then try again`;
    case 'EACCES':
    case 'EPERM':
      return `check the owner and permissions of ${dirname(path)} (it should be yours, mode 0700)`;
    case 'EROFS':
      return `${dirname(path)} is on a read-only file system`;
    default:
      return 'check the disk and the file system (dmesg); data on disk is re-checked on the next start';
  }
}

/**
 * Wraps a file-system error as MiyabiError('IO') whose message names what was being done and the
 * file: "journal: append to /p/.miyabi/journal/events.jsonl failed: ENOSPC: no space left…".
 */
export function ioError(what: string, path: string, cause: unknown): MiyabiError {
  if (cause instanceof MiyabiError) return cause;
  const code = errnoCode(cause);
  const msg = cause instanceof Error ? cause.message : String(cause);
  return new MiyabiError('IO', `${what} ${path} failed: ${msg}`, {
    cause,
    hint: hintFor(code, path),
    detail: { path, ...(code ? { errno: code } : {}) },
  });
}
