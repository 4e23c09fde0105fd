/**
 * Path rules shared by config files. Only `~` and `~/…` expand (to $HOME); `~user` and `$VARS` do
 * not, so what the file says is what is used. Relative paths resolve against a base the caller names.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

/** `p` made absolute: `~` expanded, then resolved against `base` when relative. */
export function resolveConfigPath(base: string, p: string, home: string): string {
  return path.resolve(base, expandHome(p, home));
}

/** $HOME from the captured environment, else the OS's idea of it. */
export function homeFrom(env: Record<string, string | undefined>): string {
  const h = env['HOME'];
  return h !== undefined && path.isAbsolute(h) ? h : os.homedir();
}

export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** How a file is named in messages: relative to `cwd` when inside it, else absolute. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}
