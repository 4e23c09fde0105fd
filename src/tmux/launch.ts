import { chmodSync, lstatSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { MiyabiError } from '../core/errors.js';
import { shQuote } from '../core/sh-quote.js';
import type { PaneSpec } from './port.js';

/**
 * Per-pane launch scripts. A pane's cwd, env and argv are whatever the user wrote, while tmux
 * eats a trailing `;` of any argument (RELIABILITY 2) and format-expands `-c`/`-n`/`-s`
 * (RELIABILITY 9). So all of it goes into a small sh script in a private directory, and tmux only
 * ever sees `/bin/sh <script path>`, a path we chose.
 */

/** tmux sets these for the pane itself; copies from wherever miyabi was started would be wrong. */
export const TMUX_OWNED_ENV: ReadonlySet<string> = new Set(['TMUX', 'TMUX_PANE', 'TERM']);
/** How long a pane waits for its `waitFor` socket before it starts anyway (its program then says what is wrong). */
export const WAIT_FOR_LIMIT_S = 10;
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function noNul(what: string, value: string, pane: string): void {
  if (value.includes('\0')) {
    throw new MiyabiError('CONFIG', `pane "${pane}": ${what} contains a NUL character`, {
      hint: 'a NUL byte cannot be passed to a program; remove it',
    });
  }
}

/** The script text: cd, exports (names that are not shell identifiers are skipped), exec argv. */
export function launchScript(p: PaneSpec): string {
  if (p.argv.length === 0) throw new MiyabiError('CONFIG', `pane "${p.name}": empty command`);
  if (!isAbsolute(p.cwd)) {
    throw new MiyabiError('CONFIG', `pane "${p.name}": cwd must be an absolute path, got ${JSON.stringify(p.cwd)}`);
  }
  noNul('cwd', p.cwd, p.name);
  p.argv.forEach((a, i) => noNul(`argv[${i}]`, a, p.name));
  const lines = ['# written by miyabi; rewritten on every start', `cd -- ${shQuote(p.cwd)} || exit 1`];
  for (const [k, v] of Object.entries(p.env)) {
    if (!SHELL_NAME.test(k) || TMUX_OWNED_ENV.has(k)) continue;
    noNul(`env ${k}`, v, p.name);
    lines.push(`export ${k}=${shQuote(v)}`);
  }
  if (p.waitFor !== undefined) {
    noNul('waitFor', p.waitFor, p.name);
    // 20 polls a second: a sleep process each, nothing beside the controller's start-up.
    const polls = WAIT_FOR_LIMIT_S * 20;
    lines.push(`n=0; while [ ! -S ${shQuote(p.waitFor)} ] && [ "$n" -lt ${polls} ]; do sleep 0.05; n=$((n+1)); done`);
  }
  lines.push(`exec ${p.argv.map(shQuote).join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * tmux gets the script path as an argument and shows it in pane_start_command, which list-panes
 * parses line by line: no control characters or our format separators in it.
 */
export function assertSafeLaunchDir(dir: string): void {
  if (!isAbsolute(dir) || /[\u0000-\u001f\u007f\u241c\u241e]/.test(dir)) {
    throw new MiyabiError('UNSAFE_PATH', `launch directory ${JSON.stringify(dir)} must be an absolute path without control characters`, {
      hint: 'move the project to a path without control characters',
    });
  }
}

/** Creates `dir` 0700 if needed; refuses a symlink, a non-directory or another owner's directory. */
export function ensureLaunchDir(dir: string): void {
  assertSafeLaunchDir(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new MiyabiError('UNSAFE_PATH', `launch directory ${dir} is not a directory owned by you`, {
      hint: `remove ${dir} and start again`,
    });
  }
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

export function tempLaunchDir(): string {
  return mkdtempSync(join(tmpdir(), 'miyabi-launch-'));
}

/** Writes the script atomically (O_EXCL temp file, mode 0600, rename); returns its path. */
export function writeLaunchScript(dir: string, fileName: string, text: string): string {
  if (!/^[A-Za-z0-9_.-]+\.sh$/.test(fileName)) throw new MiyabiError('INTERNAL', `bad launch script name ${fileName}`);
  const path = join(dir, fileName);
  // Not fsynced: every start rewrites it, so a crash loses nothing.
  writeFileAtomic(path, text, { durable: false, what: 'launch script' });
  return path;
}
