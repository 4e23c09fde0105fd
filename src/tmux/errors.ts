import { MiyabiError } from '../core/errors.js';

/**
 * Sorts a tmux failure by what the caller can do about it (libtmux `neo.py
 * _is_target_not_found_error`): the server is not there (start it again), the target is gone
 * (forget the pane, re-create it), or the command itself failed (a bug or bad input).
 * The same texts arrive on stderr from a one-shot client and inside `%error` blocks.
 */
const UNREACHABLE = [
  /no server running/,
  /error connecting to/,
  /server exited unexpectedly/,
  /lost server/,
  /Connection refused/,
];
// "no sessions": a control client attached to a server that has none (it starts one to say so).
const TARGET_GONE = [/can't find (pane|window|session)/, /no such (pane|window|session)/, /^no sessions/m];

export function isUnreachableText(text: string): boolean {
  return UNREACHABLE.some((re) => re.test(text));
}

export function isTargetGoneText(text: string): boolean {
  return TARGET_GONE.some((re) => re.test(text));
}

export function tmuxError(subcommand: string, text: string, socket: string, cause?: unknown): MiyabiError {
  const clean = text.trim() || '(no message)';
  const detail = { subcommand, socket, stderr: clean };
  if (isUnreachableText(clean)) {
    return new MiyabiError('TMUX_UNREACHABLE', `tmux server on socket "${socket}" is not reachable (${subcommand}): ${clean}`, {
      hint: `the tmux server is not running or has crashed; start the session again (miyabi up)`,
      cause,
      detail,
    });
  }
  if (isTargetGoneText(clean)) {
    return new MiyabiError('TMUX_PANE_GONE', `tmux ${subcommand}: ${clean}`, {
      hint: 'the pane, window or session no longer exists; it has to be re-created',
      cause,
      detail,
    });
  }
  return new MiyabiError('TMUX_COMMAND', `tmux ${subcommand} failed: ${clean}`, { cause, detail });
}

export function timeoutError(what: string, ms: number, socket: string, cause?: unknown): MiyabiError {
  return new MiyabiError('TMUX_TIMEOUT', `tmux did not answer ${what} within ${ms} ms (socket "${socket}")`, {
    hint: 'the tmux server may be stopped or overloaded; check it with `tmux -L <socket> ls`',
    cause,
    detail: { socket, timeoutMs: ms },
  });
}

export function missingError(cause?: unknown): MiyabiError {
  return new MiyabiError('TMUX_MISSING', 'tmux is not installed (not found on PATH)', {
    hint: 'install tmux 3.2 or newer, e.g. `apt-get install tmux` or `brew install tmux`',
    cause,
  });
}
