/**
 * Nothing that came with the repository is ever read as miyabi's state (issue #11, item 1).
 *
 * `.miyabi/` lives in the working tree, so a repository can ship one: a journal that is a symlink
 * to the user's rc file, a bus folder that points elsewhere, a message "from conductor" waiting in
 * `new/`. miyabi therefore marks the `.miyabi/` it makes with a random 128-bit token in
 * `.miyabi/owner`, and keeps a record of that token OUTSIDE every working tree, in the user's state
 * folder (`$XDG_STATE_HOME/miyabi/owned/<token>`, default `~/.local/state/miyabi/owned/`). A clone
 * cannot carry the record, and cannot guess the token. A `.miyabi/` without a token, with a token
 * this machine has no record of, or with anything git tracks in it (a `git pull` can write into
 * our own folder, since it is only excluded, and git overwrites excluded files) is refused before
 * anything in it is read or written. A copy made with `cp -r` keeps its token and stays trusted on
 * the same machine.
 *
 * A new `.miyabi/` appears whole: it is built as `.miyabi.new-<random>` with its token inside and
 * renamed into place, so nobody ever sees one without its token; the record is written first.
 */
// rmdir is not part of FsPort (no test needs to fail it); the real call is enough here.
import { rmdirSync as nodeRmdir } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { MiyabiError } from './errors.js';
import { type FsPort, O, closeQuietly, errnoCode, isNotFound, realFs, writeAll } from './fs-port.js';
import { miyabiDir } from './paths.js';
import { ensurePrivateDir } from './private-dir.js';
import { trackedStateFilesMemo } from './git-clean-memo.js';
import { lazyChildProcess as childProcess, randomHex } from './lazy-builtins.js';

/** The folders a `.miyabi/` may hold at its top; each must be a real folder of ours when present. */
const STATE_DIRS = ['run', 'logs', 'journal', 'state', 'bus', 'runs', 'reports'] as const;
export const OWNER_FILE = 'owner';
const TOKEN_RE = /^[0-9a-f]{32}$/;

export interface TrustOptions {
  env?: NodeJS.ProcessEnv;
  fs?: FsPort;
  /** Create `.miyabi/` (with its token) when there is none: the controller and `miyabi run` do. */
  create?: boolean;
  /**
   * Also ask git whether it tracks anything under `.miyabi/` (one `git ls-files`, asked again only
   * when git's index changed: core/git-clean-memo.ts): done where state is opened for real or
   * created (`up`, `run`, `doctor`, `emit`); the other quick verbs skip it.
   */
  git?: boolean;
}

export type TrustState =
  | { state: 'absent' }
  | { state: 'trusted'; token: string; created: boolean }
  | { state: 'untrusted'; error: MiyabiError };

/** `$XDG_STATE_HOME/miyabi` (default `~/.local/state/miyabi`): miyabi's own files outside any project. */
export function userStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'miyabi');
}

export function ownedRecordDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userStateDir(env), 'owned');
}

function untrusted(root: string, found: string, extraFix = ''): MiyabiError {
  const dir = miyabiDir(root);
  return new MiyabiError(
    'STATE_UNTRUSTED',
    `\`.miyabi/\` in ${root} was not made by miyabi on this machine (${found}; it came with the repository?): miyabi will not read it`,
    {
      hint: `${extraFix}move it away (cd ${root} && mv .miyabi .miyabi.untrusted) and run \`miyabi up\` again`,
      detail: { path: dir, found },
    },
  );
}

/** Reads a small regular file of ours without following a symlink; null when it does not exist. */
function readSmallNoFollow(fs: FsPort, path: string, max = 256): { text: string } | { problem: string } | null {
  let fd: number | null = null;
  try {
    fd = fs.openSync(path, O.O_RDONLY | O.O_NOFOLLOW | O.O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { problem: `${path} is not a regular file` };
    if (st.uid !== (process.getuid?.() ?? st.uid)) return { problem: `${path} belongs to uid ${st.uid}` };
    const buf = Buffer.alloc(max);
    const n = fs.readSync(fd, buf, 0, max, 0);
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch (e) {
    if (isNotFound(e)) return null;
    if (errnoCode(e) === 'ELOOP') return { problem: `${path} is a symbolic link` };
    return { problem: `${path} cannot be read: ${(e as Error).message}` };
  } finally {
    closeQuietly(fs, fd);
  }
}

function writeNew(fs: FsPort, path: string, text: string): void {
  const fd = fs.openSync(path, O.O_WRONLY | O.O_CREAT | O.O_EXCL | O.O_NOFOLLOW, 0o600);
  try {
    writeAll(fs, fd, Buffer.from(text), 0);
    fs.fsyncSync(fd);
  } finally {
    closeQuietly(fs, fd);
  }
}

/** What git tracks under `.miyabi/` (empty outside git, or when git is missing). */
export function trackedStateFiles(root: string): string[] {
  try {
    const out = childProcess().execFileSync('git', ['ls-files', '-z', '--', basename(miyabiDir(root))], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return out.split('\0').filter((l) => l !== '');
  } catch {
    return [];
  }
}

/** Creates `.miyabi/` whole (see the file comment); false when another process made one first. */
function createStateDir(root: string, fs: FsPort, env: NodeJS.ProcessEnv): boolean {
  const records = ownedRecordDir(env);
  ensurePrivateDir(userStateDir(env), { fs });
  ensurePrivateDir(records, { fs });
  const token = randomHex(16);
  const record = join(records, token);
  writeNew(fs, record, `${root}\n`);
  const building = `${miyabiDir(root)}.new-${randomHex(6)}`;
  try {
    fs.mkdirSync(building, { mode: 0o700 });
    writeNew(fs, join(building, OWNER_FILE), `${token}\n`);
    fs.renameSync(building, miyabiDir(root));
    return true;
  } catch (e) {
    // Lost a race (rename onto a non-empty .miyabi/): ours goes, theirs is checked by the caller.
    try {
      fs.unlinkSync(join(building, OWNER_FILE));
    } catch {
      // not written
    }
    try {
      nodeRmdir(building);
    } catch {
      // not made
    }
    try {
      fs.unlinkSync(record);
    } catch {
      // keep going: a record without a folder trusts nothing
    }
    const code = errnoCode(e);
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') return false;
    throw new MiyabiError('IO', `could not create ${miyabiDir(root)}: ${(e as Error).message}`, {
      cause: e,
      hint: `check that you can write to ${root}`,
    });
  }
}

/**
 * Checks `.miyabi/` of `root` without changing anything (and creates it when asked): the one check
 * every entry point makes before it reads or writes project state. Never throws for an untrusted
 * folder; `trustState` does.
 */
export function inspectState(root: string, o: TrustOptions = {}): TrustState {
  const fs = o.fs ?? realFs;
  const env = o.env ?? process.env;
  const dir = miyabiDir(root);
  let created = false;
  let st;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    if (!isNotFound(e)) return { state: 'untrusted', error: untrusted(root, `it cannot be checked: ${(e as Error).message}`) };
    if (!o.create) return { state: 'absent' };
    created = createStateDir(root, fs, env);
    st = fs.lstatSync(dir);
  }
  if (st.isSymbolicLink()) return { state: 'untrusted', error: untrusted(root, 'it is a symbolic link') };
  if (!st.isDirectory()) return { state: 'untrusted', error: untrusted(root, 'it is not a folder') };
  if (o.git && !created) {
    const tracked = trackedStateFilesMemo(root, userStateDir(env), trackedStateFiles, env);
    if (tracked.length > 0) {
      const list = tracked.slice(0, 3).join(', ') + (tracked.length > 3 ? ` and ${tracked.length - 3} more` : '');
      return { state: 'untrusted', error: untrusted(root, `git tracks ${list}`, 'untrack it (git rm -r --cached .miyabi && git commit), then ') };
    }
  }
  const owner = readSmallNoFollow(fs, join(dir, OWNER_FILE));
  if (owner === null) return { state: 'untrusted', error: untrusted(root, 'it has no owner token') };
  if ('problem' in owner) return { state: 'untrusted', error: untrusted(root, owner.problem) };
  const token = owner.text.trim();
  if (!TOKEN_RE.test(token)) return { state: 'untrusted', error: untrusted(root, 'its owner token is malformed') };
  const record = readSmallNoFollow(fs, join(ownedRecordDir(env), token), 4096);
  if (record === null || 'problem' in record) {
    return { state: 'untrusted', error: untrusted(root, `its token has no record in ${ownedRecordDir(env)}`) };
  }
  // Ours: now its mode may be fixed (0700) and its owner checked like any private folder.
  try {
    ensurePrivateDir(dir, { fs });
  } catch (e) {
    return { state: 'untrusted', error: e as MiyabiError };
  }
  for (const sub of STATE_DIRS) {
    let s;
    try {
      s = fs.lstatSync(join(dir, sub));
    } catch {
      continue; // absent: made (0700, checked) by whoever needs it
    }
    if (!s.isDirectory() || s.isSymbolicLink()) {
      return { state: 'untrusted', error: untrusted(root, `.miyabi/${sub} is ${s.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`) };
    }
  }
  return { state: 'trusted', token, created };
}

/** inspectState that throws STATE_UNTRUSTED: call it before any state is read or written. */
export function trustState(root: string, o: TrustOptions = {}): TrustState & { state: 'absent' | 'trusted' } {
  const r = inspectState(root, o);
  if (r.state === 'untrusted') throw r.error;
  return r;
}

/**
 * Refuses (UNSAFE_PATH) when `<busDir>/<recipient>` or one of its folders is a symlink or not a
 * folder: a sender never writes through one. Missing folders are fine (the writer makes them).
 */
export function checkRealDirs(busDir: string, recipient: string, fs: FsPort = realFs): void {
  const box = join(busDir, recipient);
  for (const p of [busDir, box, join(box, 'tmp'), join(box, 'new'), join(box, 'cur')]) {
    let s;
    try {
      s = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (s.isSymbolicLink() || !s.isDirectory()) {
      throw new MiyabiError('UNSAFE_PATH', `${p} is ${s.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}: miyabi does not write through it`, {
        hint: `remove it (rm ${p}); \`miyabi up\` makes the inbox again`,
        detail: { path: p },
      });
    }
  }
}
