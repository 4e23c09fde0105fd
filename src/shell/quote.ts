/**
 * Quoting for POSIX sh: the one place that knows its rules. (tmux's own command syntax is quoted in
 * tmux/quote.ts; messages quote for people in config/config-issue.ts — other languages.)
 */

/** Single quoting: everything literal, `'` written as `'\''`. Safe for any text without NUL. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

const PLAIN = /^[\w@%+=:,./-]+$/;

/** A command line to show or paste into sh: words quoted only when they need it. */
export function shJoin(argv: readonly string[]): string {
  return argv.map((a) => (PLAIN.test(a) ? a : shQuote(a))).join(' ');
}
