/**
 * How a shell action written as one string runs. The rule, chosen to be predictable:
 *
 * - A string with any shell syntax — one of  | & ; < > ( ) $ ` * ? [ ] { } ~ # !  or a newline — runs
 *   as `/bin/sh -c STRING`, exactly what a person typing it would get.
 * - Anything else is split into words like a shell would (spaces separate; '…' and "…" group, and
 *   \ escapes the next character) and runs as an argument array with no shell at all.
 *
 * So `cargo fmt --check` runs cargo with two arguments, and `cargo test 2>&1 | tee out` runs under sh.
 * A list (`[cargo, fmt, --check]`) is always an argument array.
 */
export const SHELL_SYNTAX = /[|&;<>()$`*?[\]{}~#!\n]/;

export type CommandPlan = { argv: string[]; shell: boolean };

/** Splits words like a POSIX shell without expansions; null when a quote is left open. */
export function splitWords(s: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === ' ' || c === '\t') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '\\') {
      if (i + 1 < s.length) cur += s[++i];
      continue;
    }
    if (c === "'" || c === '"') {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return null;
      let inner = s.slice(i + 1, end);
      if (c === '"') inner = inner.replace(/\\(["\\])/g, '$1');
      cur += inner;
      i = end;
      continue;
    }
    cur += c;
  }
  if (inWord) out.push(cur);
  return out;
}

/** The argv to run for a string action (see the rule above). */
export function planCommand(s: string): CommandPlan {
  if (SHELL_SYNTAX.test(s)) return { argv: ['/bin/sh', '-c', s], shell: true };
  const words = splitWords(s);
  // An open quote is a mistake the shell reports well; let it.
  if (words === null || words.length === 0) return { argv: ['/bin/sh', '-c', s], shell: true };
  return { argv: words, shell: false };
}
