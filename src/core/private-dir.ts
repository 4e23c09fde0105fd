/**
 * A directory only we can use (`.miyabi/`, the socket directory), checked the way tmux's
 * `make_label` and Nx's `owned-private-dir.ts` do: created 0700, and when it already exists it must
 * be a real directory (not a symlink), owned by us; group/other bits are removed, never accepted.
 * Anything else is refused with UNSAFE_PATH — there is no fallback to a shared location.
 *
 * The permission fix goes through a descriptor opened with O_NOFOLLOW|O_DIRECTORY and compared to
 * the lstat by device and inode, so a directory swapped for a symlink in between is not chmodded.
 */
import { dirname } from 'node:path';
import type { Stats } from 'node:fs';
import { MiyabiError } from './errors.js';
import { type FsPort, O, closeQuietly, errnoCode, isNotFound, realFs } from './fs-port.js';

export interface PrivateDirOptions {
  fs?: FsPort;
  /** Our uid (default process.getuid()); tests pass another to play a foreign owner. */
  uid?: number;
}

export interface PrivateDirResult {
  created: boolean;
  /** The previous permission bits when they had to be changed to 0700 (e.g. 0o777), else null. */
  fixedMode: number | null;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

function unsafe(path: string, what: string, hint: string, cause?: unknown): MiyabiError {
  return new MiyabiError('UNSAFE_PATH', `${path} ${what}`, { hint, cause, detail: { path } });
}

function kindOf(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isSocket()) return 'a socket';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a directory';
}

function lstatOrNull(fs: FsPort, path: string): Stats | null {
  try {
    return fs.lstatSync(path);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw unsafe(path, `cannot be checked: ${(e as Error).message}`, `check that you can read ${dirname(path)}`, e);
  }
}

export function ensurePrivateDir(path: string, options: PrivateDirOptions = {}): PrivateDirResult {
  const fs = options.fs ?? realFs;
  const uid = options.uid ?? process.getuid?.() ?? 0;
  let created = false;
  let st = lstatOrNull(fs, path);
  if (st === null) {
    try {
      fs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      fs.mkdirSync(path, { mode: 0o700 });
      created = true;
    } catch (e) {
      // EEXIST: someone created it between our lstat and mkdir; it is checked below like any other.
      if (errnoCode(e) !== 'EEXIST') {
        throw unsafe(path, `could not be created: ${(e as Error).message}`, `check the permissions of ${dirname(path)}`, e);
      }
    }
    st = lstatOrNull(fs, path);
    if (st === null) throw unsafe(path, 'vanished right after it was created', 'something else is managing this path; choose another one');
  }

  if (st.isSymbolicLink()) {
    let target = '?';
    try {
      target = fs.readlinkSync(path);
    } catch {
      // keep '?'
    }
    throw unsafe(path, `is a symbolic link (to ${target}), not a directory`,
      `miyabi does not follow symlinks for its private directories; remove the link (rm ${path}) and run again`);
  }
  if (!st.isDirectory()) {
    throw unsafe(path, `is ${kindOf(st)}, not a directory`, `move it out of the way (mv ${path} ${path}.old) and run again`);
  }
  if (st.uid !== uid) {
    throw unsafe(path, `is owned by uid ${st.uid}, not by you (uid ${uid})`,
      `someone else created it; remove it as its owner or root (rm -r ${path}), or use another location`);
  }
  if ((st.mode & 0o777) === 0o700) return { created, fixedMode: null };

  // Ours but with the wrong bits (0777 from an attacker's race, or 0755 from a umask): fix to 0700.
  let fd: number | null = null;
  try {
    fd = fs.openSync(path, O.O_RDONLY | O.O_DIRECTORY | O.O_NOFOLLOW);
    const fst = fs.fstatSync(fd);
    if (fst.dev !== st.dev || fst.ino !== st.ino) {
      throw unsafe(path, 'was replaced while it was being checked', 'something is racing miyabi for this path; check who else uses it');
    }
    fs.fchmodSync(fd, 0o700);
  } catch (e) {
    if (e instanceof MiyabiError) throw e;
    throw unsafe(path, `has permissions ${octal(st.mode)} and could not be changed to 0700: ${(e as Error).message}`,
      `run: chmod 700 ${path}`, e);
  } finally {
    closeQuietly(fs, fd);
  }
  return { created, fixedMode: st.mode & 0o777 };
}
