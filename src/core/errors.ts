/**
 * One error type for the whole project, in the shape execa and changesets use: a stable `code`,
 * a `hint` that tells the user the fix, and the original `cause`. The CLI boundary turns these into
 * exit codes: 2 for bad usage or input, 1 for everything else.
 */
export type ErrorCode =
  | 'USAGE'
  | 'CONFIG'
  | 'NAME'
  | 'NOT_FOUND'
  | 'TMUX_MISSING'
  | 'TMUX_VERSION'
  | 'TMUX_UNREACHABLE'
  | 'TMUX_PANE_GONE'
  | 'TMUX_COMMAND'
  | 'TMUX_TIMEOUT'
  | 'CONTROLLER_RUNNING'
  | 'CONTROLLER_DOWN'
  | 'CONTROLLER_START'
  | 'IPC'
  | 'IPC_TIMEOUT'
  | 'UNSAFE_PATH'
  | 'JOURNAL_CORRUPT'
  | 'SNAPSHOT_CORRUPT'
  | 'STATE_UNTRUSTED'
  | 'IO'
  | 'BUS_FULL'
  | 'NOT_GIT'
  | 'INTERNAL';

const INPUT_CODES: ReadonlySet<ErrorCode> = new Set(['USAGE', 'CONFIG', 'NAME', 'NOT_FOUND']);

export interface MiyabiErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra machine-readable detail (the tmux subcommand, the file, …). */
  detail?: Record<string, unknown>;
}

export class MiyabiError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: MiyabiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.detail = options.detail;
    Object.defineProperty(this, 'name', { value: 'MiyabiError', enumerable: false });
  }

  /** 2 for what the user typed or wrote, 1 for failures of the world. */
  get exitCode(): 1 | 2 {
    return INPUT_CODES.has(this.code) ? 2 : 1;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

export function isMiyabiError(e: unknown): e is MiyabiError {
  return e instanceof MiyabiError;
}

/** Rebuilds an error that travelled over IPC as JSON. */
export function errorFromJSON(j: { code?: string; message?: string; hint?: string }): MiyabiError {
  return new MiyabiError((j.code as ErrorCode) ?? 'INTERNAL', j.message ?? 'unknown error', {
    hint: j.hint,
  });
}
