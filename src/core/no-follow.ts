/**
 * Open flags for state files that never follow a symlink (issue #11, item 1): a link planted where
 * a journal, log, lock or message file belongs fails with ELOOP instead of redirecting the write
 * to the file it points at (a user's rc file, say). Numeric flags work wherever node takes a
 * `flag`/`flags` string (writeFileSync, appendFileSync, createWriteStream, openSync).
 */
import { closeSync, constants as O, createWriteStream, openSync, writeFileSync, type WriteStream } from 'node:fs';
import { Writable } from 'node:stream';

/** Create or truncate, for writing. */
export const WRITE_NOFOLLOW = O.O_WRONLY | O.O_CREAT | O.O_TRUNC | O.O_NOFOLLOW;
/** Create or append. */
export const APPEND_NOFOLLOW = O.O_WRONLY | O.O_CREAT | O.O_APPEND | O.O_NOFOLLOW;
/** Create only when absent (the tmp file of a write-then-rename). */
export const CREATE_NOFOLLOW = O.O_WRONLY | O.O_CREAT | O.O_EXCL | O.O_NOFOLLOW;
/** Read. */
export const READ_NOFOLLOW = O.O_RDONLY | O.O_NOFOLLOW;

/** writeFileSync that refuses a symlink at `path` (ELOOP). Mode 0600 unless told. */
export function writeFileNoFollow(path: string, data: string | Uint8Array, mode = 0o600): void {
  const fd = openSync(path, WRITE_NOFOLLOW, mode);
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** appendFileSync that refuses a symlink at `path` (ELOOP). */
export function appendFileNoFollow(path: string, data: string | Uint8Array, mode = 0o600): void {
  const fd = openSync(path, APPEND_NOFOLLOW, mode);
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/**
 * An append stream on a file opened without following a symlink (the open itself is sync). Pane
 * logs are best effort: a file that cannot be opened (a planted symlink, a missing folder) gives a
 * stream that drops what is written, as a failed open of the old path-based stream did.
 */
export function appendStreamNoFollow(path: string, mode = 0o600): Writable {
  let fd: number;
  try {
    fd = openSync(path, APPEND_NOFOLLOW, mode);
  } catch {
    return new Writable({ write: (_chunk, _enc, done) => done() });
  }
  const s: WriteStream = createWriteStream('', { fd });
  s.on('error', () => undefined);
  return s;
}
