/**
 * Small JSON state files of the git part (`.miyabi/state/worktrees.json`, `ports.json`).
 *
 * Updates are read-modify-write under two locks: an in-process FIFO (so parallel callers in the
 * controller queue instead of spinning) and a lock file made with O_EXCL holding our pid (so a CLI
 * run while the controller is down cannot interleave with it). A lock file whose pid is dead, or
 * that is older than STALE_MS, is taken over. Writes go to a temp file, then rename: a reader sees
 * the old file or the new one, never half of one.
 */
import { mkdirSync, openSync, closeSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { MiyabiError } from '../core/errors.js';
import { serialize } from './limit.js';

const STALE_MS = 30_000;
const WAIT_MS = 10_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function staleLock(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) return true;
    return Date.now() - statSync(lock).mtimeMs > STALE_MS;
  } catch {
    return false; // vanished or unreadable: retry the open
  }
}

async function withFileLock<T>(file: string, fn: () => T): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + WAIT_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new MiyabiError('IO', `cannot lock ${file}: ${(e as Error).message}`, { cause: e });
      if (staleLock(lock)) {
        try {
          unlinkSync(lock);
        } catch {
          // someone else took it over first
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new MiyabiError('IO', `${lock} is held by another miyabi process`, { hint: `if no miyabi process is running, remove ${lock}` });
      }
      await delay(wait);
    }
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

export function readState<S>(file: string, empty: () => S): S {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty();
    throw new MiyabiError('IO', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return { ...empty(), ...(JSON.parse(text) as S) };
  } catch (e) {
    throw new MiyabiError('IO', `${file} is not valid JSON: ${(e as Error).message}`, {
      cause: e,
      hint: `move it aside (mv ${file} ${file}.bad); miyabi starts a new one`,
    });
  }
}

function writeState(file: string, state: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Reads the state, lets `fn` change it in place and return a value, writes it back. */
export function updateState<S, T>(file: string, empty: () => S, fn: (state: S) => T): Promise<T> {
  return serialize(`state:${file}`, () =>
    withFileLock(file, () => {
      const state = readState(file, empty);
      const before = JSON.stringify(state);
      const out = fn(state);
      if (JSON.stringify(state) !== before) writeState(file, state);
      return out;
    }),
  );
}
