/**
 * Is a program on PATH? Looked up on disk (no process started), for `init` (which agent CLIs are
 * installed) and `up` (a layout naming a program that is not there is refused with its name).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export function onPath(program: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const ok = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes('/')) return ok(program) ? program : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, program);
    if (ok(p)) return p;
  }
  return null;
}

/** Words a `sh -c` string may start with that are not programs on PATH. */
const SHELL_WORDS = new Set(['exec', 'env', 'cd', 'export', 'set', 'if', 'for', 'while', 'case', '.', 'source', 'test', '[', 'true', 'false', ':', 'echo', 'printf', 'read', 'eval', 'ulimit', 'umask', '(', '{', 'nohup', 'time', 'command']);

/**
 * The program a pane's command starts, when it can be told without running it: argv[0], or the
 * first word of a simple `sh -c` string. null when the string is too clever to judge (a builtin,
 * an assignment, quoting, a subshell): then it is not checked, rather than wrongly refused.
 */
export function programOf(kind: string, argv: readonly string[]): string | null {
  if (kind === 'argv') return argv[0] ?? null;
  if (kind !== 'shell') return null;
  const script = (argv[2] ?? '').trim();
  const first = /^[A-Za-z0-9_./+-]+(?=\s|$)/.exec(script)?.[0];
  if (!first || first.includes('=') || SHELL_WORDS.has(first)) return null;
  return first;
}
