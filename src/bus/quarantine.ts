/**
 * Housekeeping for the reader: junk in `new/` goes to `<inbox>/quarantine/<name>` with a
 * `<name>.reason` file beside it (one JSON line), so delivery goes on and a person can look at it;
 * and tmp files a dead sender left behind are removed after a while (qmail: 36 h).
 */
import { join } from 'node:path';
import { type FsPort, O, closeQuietly, errnoCode, isNotFound, realFs, writeAll } from '../core/fs-port.js';
import type { ParseErrorCode } from './format.js';
import { inboxPaths, recipients } from './layout.js';

export type QuarantineCode =
  | 'dotfile'
  | 'symlink'
  | 'not-regular'
  | 'foreign-owner'
  | 'empty-file'
  | 'oversize'
  | 'changed'
  | 'unreadable'
  | ParseErrorCode;

export interface Quarantined {
  /** The name it had in `new/`. */
  name: string;
  code: QuarantineCode;
  reason: string;
  /** Where it is now, or null when the move failed (it stays in `new/` and is looked at again). */
  movedTo: string | null;
  /** Why the move failed, when it did. */
  moveError?: string;
}

let counter = 0;

function exists(fs: FsPort, path: string): boolean {
  try {
    fs.lstatSync(path);
    return true;
  } catch (e) {
    return !isNotFound(e);
  }
}

function writeReason(fs: FsPort, path: string, text: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(path, O.O_WRONLY | O.O_CREAT | O.O_TRUNC | O.O_NOFOLLOW, 0o600);
    writeAll(fs, fd, Buffer.from(text), 0);
  } finally {
    closeQuietly(fs, fd);
  }
}

/** Moves `new/<name>` into `quarantine/` with a reason file. Never throws. */
export function quarantineEntry(
  busDir: string,
  recipient: string,
  name: string,
  code: QuarantineCode,
  reason: string,
  fs: FsPort = realFs,
): Quarantined {
  const box = inboxPaths(busDir, recipient);
  const from = join(box.new, name);
  try {
    try {
      fs.mkdirSync(box.quarantine, { mode: 0o700 });
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e;
    }
    let target = join(box.quarantine, name);
    if (exists(fs, target) || exists(fs, `${target}.reason`)) {
      target = join(box.quarantine, `${name}.${Date.now()}-${process.pid}-${++counter}`);
    }
    fs.renameSync(from, target);
    const record = { name, code, reason, from, at: new Date().toISOString() };
    try {
      writeReason(fs, `${target}.reason`, `${JSON.stringify(record)}\n`);
    } catch {
      // the file is out of new/, which is what matters; the caller journals the reason anyway
    }
    return { name, code, reason, movedTo: target };
  } catch (e) {
    return { name, code, reason, movedTo: null, moveError: (e as Error).message };
  }
}

export interface CleanOptions {
  fs?: FsPort;
  /** Epoch ms (tests). */
  now?: number;
}

/**
 * Removes entries of every `<busDir>/<agent>/tmp/` last modified more than `maxAgeMs` ago: sends
 * that died before their rename. Returns the removed paths. Errors on single entries are skipped.
 */
export function cleanStaleTmp(busDir: string, maxAgeMs: number, options: CleanOptions = {}): string[] {
  const fs = options.fs ?? realFs;
  const limit = (options.now ?? Date.now()) - maxAgeMs;
  const removed: string[] = [];
  for (const agent of recipients(busDir, fs)) {
    const tmp = inboxPaths(busDir, agent).tmp;
    let names: string[];
    try {
      names = fs.readdirSync(tmp);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(tmp, name);
      try {
        const st = fs.lstatSync(path);
        if (st.mtimeMs >= limit || st.isDirectory()) continue;
        fs.unlinkSync(path);
        removed.push(path);
      } catch {
        // gone already, or not ours to remove: skip
      }
    }
  }
  return removed;
}
