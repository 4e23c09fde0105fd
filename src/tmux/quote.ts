import { MiyabiError } from '../core/errors.js';

/**
 * Quoting for command lines written to a control-mode client, which tmux parses with its own
 * command parser (cmd-parse.y, as in a config file). Inside single quotes that parser takes every
 * character literally: no `\` escapes, no `$VAR` or `~` expansion, and `;`, `#`, `{`, `}` and
 * spaces lose their meaning. A `'` ends the quote, so it is written as `'\''` (close, an escaped
 * quote, reopen) exactly as in sh. Every argument is quoted, the empty string becomes `''`.
 *
 * A control-mode command is one line, so LF cannot be sent at all, and tmux's strings are C
 * strings, so NUL cannot either: both are rejected rather than silently changed.
 * (Round-trip verified on tmux 3.3a in test/integration/tmux/quote.test.ts.)
 */
export function quoteArg(arg: string): string {
  if (arg.includes('\n')) {
    throw new MiyabiError('TMUX_COMMAND', `cannot send a newline to tmux control mode: ${JSON.stringify(arg)}`, {
      hint: 'pass multi-line text on stdin (load-buffer -) instead of as a command argument',
    });
  }
  if (arg.includes('\0')) {
    throw new MiyabiError('TMUX_COMMAND', `cannot send a NUL character to tmux: ${JSON.stringify(arg)}`);
  }
  if (/\p{Surrogate}/u.test(arg)) {
    throw new MiyabiError('TMUX_COMMAND', `argument is not well-formed Unicode: ${JSON.stringify(arg)}`);
  }
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** One control-mode command line: the verb as is (it must be a plain word), then quoted arguments. */
export function commandLine(verb: string, args: readonly string[] = []): string {
  if (!/^[a-z][a-z-]*$/.test(verb)) {
    throw new MiyabiError('TMUX_COMMAND', `not a tmux command name: ${JSON.stringify(verb)}`);
  }
  return [verb, ...args.map(quoteArg)].join(' ');
}
