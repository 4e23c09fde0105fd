/**
 * Small JSON state files of the git part (`.miyabi/state/worktrees.json`, `ports.json`).
 *
 * Updates are read-modify-write under two locks: an in-process FIFO (so parallel callers in the
 * controller queue instead of spinning) and the one lock file of core/file-lock.ts (so a CLI run
 * while the controller is down cannot interleave with it). Writes are atomic: a reader sees the
 * old file or the new one, never half of one.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { MiyabiError } from '../core/errors.js';
import { lockFile } from '../core/file-lock.js';
import { serialize } from './limit.js';

const WAIT_MS = 10_000;

async function withFileLock<T>(file: string, fn: () => T): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let release: (() => void) | null;
  try {
    release = await lockFile(lock, Date.now() + WAIT_MS);
  } catch (e) {
    throw new MiyabiError('IO', `cannot lock ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (!release) throw new MiyabiError('IO', `${lock} is held by another miyabi process`, { hint: `if no miyabi process is running, remove ${lock}` });
  try {
    return fn();
  } finally {
    release();
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
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, { what: 'git state' });
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
