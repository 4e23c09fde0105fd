/**
 * The one way miyabi replaces a file whole (ALICE): write a temp file in the same folder, fsync it,
 * rename it over the target, fsync the folder. A reader sees the old file or the new one, never
 * half of one; after a crash the old one is intact until the rename, the new one complete after.
 * The temp file is created O_EXCL | O_NOFOLLOW, so a planted symlink or another writer's temp file
 * is never written through. It goes through an FsPort, so fault-injection tests can fail any step.
 */
import { basename, dirname, join } from 'node:path';
import { type FsPort, O, closeQuietly, fsyncDir, ioError, realFs, writeAll } from './fs-port.js';
import { randomHex } from './lazy-builtins.js';

export interface AtomicWriteOptions {
  fs?: FsPort;
  /** Mode of the new file (default 0600: miyabi's state is the user's alone). */
  mode?: number;
  /**
   * fsync the file and the folder (default true). Off only for files that are rewritten from
   * other state anyway (launch scripts, caches), where a crash loses nothing.
   */
  durable?: boolean;
  /** Names the file in error messages, e.g. "snapshot" → "snapshot: fsync of <tmp> failed: …". */
  what?: string;
}

/** `<name>.tmp-<pid>-<hex>`: cleaners match the pid to tell a dead writer's temp file from a live one's. */
export function atomicTempName(path: string): string {
  return join(dirname(path), `${basename(path)}.tmp-${process.pid}-${randomHex(4)}`);
}

/** Replaces `path` with `data` atomically (see the file comment). Returns the bytes written. */
export function writeFileAtomic(path: string, data: string | Uint8Array, o: AtomicWriteOptions = {}): number {
  const fs = o.fs ?? realFs;
  const what = o.what ?? 'writing';
  const durable = o.durable ?? true;
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const tmp = atomicTempName(path);
  let fd: number | null = null;
  let step = 'creating';
  try {
    fd = fs.openSync(tmp, O.O_WRONLY | O.O_CREAT | O.O_EXCL | O.O_NOFOLLOW, o.mode ?? 0o600);
    step = 'writing';
    writeAll(fs, fd, buf, 0);
    if (durable) {
      step = 'fsync of';
      fs.fsyncSync(fd);
    }
    step = 'closing';
    const closing = fd;
    fd = null; // close releases the descriptor even when it reports an error
    fs.closeSync(closing);
    step = `renaming to ${basename(path)}`;
    fs.renameSync(tmp, path);
  } catch (e) {
    closeQuietly(fs, fd);
    try {
      fs.unlinkSync(tmp);
    } catch {
      // not created, or a crash: the owner's cleaner removes a dead writer's temp file
    }
    throw ioError(`${what}: ${step}`, tmp, e);
  }
  if (durable) {
    try {
      fsyncDir(fs, dirname(path));
    } catch (e) {
      throw ioError(`${what}: fsync of the directory`, dirname(path), e);
    }
  }
  return buf.length;
}
