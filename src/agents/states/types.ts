/**
 * Agent states, what a detector observes of a pane, and what it decides. Pure data: the
 * controller fills an Observation per tick (one list-panes sweep, a capture only when activity
 * changed) and keeps the AgentState that decide() returns for the next tick.
 */

export type StateName =
  | 'starting'
  | 'idle'
  | 'busy'
  | 'waiting-for-input'
  | 'rate-limited'
  | 'unresponsive'
  | 'dead';

/** Which signal decided a state, most trusted first (shown by `agents --json`). */
export type Signal = 'process' | 'hook' | 'explicit' | 'screen' | 'activity' | 'timer';

/** One-shot events from the agent CLI's own hooks (Claude Code hooks, Codex notify). */
export type HookEvent = 'hook:prompt-submit' | 'hook:stop' | 'hook:notification';

/** One-shot signals sent from inside the pane (`miyabi heartbeat`, `miyabi done`). */
export type ExplicitEvent = 'heartbeat' | 'done';

export interface Observation {
  /** tmux #{pane_dead}. */
  paneDead: boolean;
  /** tmux #{pane_dead_status}; null/undefined when tmux gives none. */
  deadStatus?: number | null;
  /** A plain capture (capture-pane -p), only when activity changed since the last one. */
  screen?: string;
  /** Last time the pane produced output (#{window_activity} or control-mode %output). */
  lastOutputAt?: number;
  /** Last `miyabi heartbeat` from inside the pane. */
  lastHeartbeatAt?: number;
  /** A hook event received since the last tick. */
  hookEvent?: HookEvent;
  /** An explicit signal received since the last tick. */
  explicit?: ExplicitEvent;
  /** When the agent's process was started (spawn or respawn). */
  startedAt: number;
}

export interface AgentState {
  state: StateName;
  signal: Signal;
  /** When this state began. */
  since: number;
  /** Rate-limited: when the limit resets, if the screen said. */
  resetAt?: number;
  /** The screen text that matched (kept so a rate-limit message is not re-read as a new one). */
  evidence?: string;
  /** A hook or `done` verdict holds against screen and activity readings until this time. */
  heldUntil?: number;
}

export interface Decision extends AgentState {
  reason: string;
  changed: boolean;
  /** The screen matched no pattern of the profile (a changed agent UI): log it. */
  unrecognized?: boolean;
}

export interface ProfileTimings {
  /** No unresponsive verdict, and unrecognised screens stay `starting`, this long after start. */
  startupGraceMs: number;
  /** Quiet this long after output = idle (when the screen does not decide). */
  idleAfterMs: number;
  /** Busy with no output and no heartbeat this long = unresponsive. */
  unresponsiveAfterMs: number;
  /** How long a hook's (or `done`'s) verdict outranks the screen, which may lag behind it. */
  hookHoldMs: number;
}

export interface CompiledPattern {
  source: string;
  re: RegExp;
}

/** A profile as used at run time: patterns compiled from the profile's data file. */
export interface StateProfile {
  name: string;
  /** Command basenames this profile is for (`claude`, `codex` …). */
  commands: string[];
  /** How many non-empty lines from the bottom of the screen the patterns look at. */
  scanLines: number;
  /** What a screen no pattern recognises means: `busy` for a shell (no prompt = a command runs). */
  otherwise: 'unrecognized' | 'busy';
  timings: ProfileTimings;
  patterns: {
    ready: CompiledPattern[];
    busy: CompiledPattern[];
    waiting: CompiledPattern[];
    /** Named groups: `at` (a clock time: `3pm`, `15:30`), `in` (a duration: `2 hours 5 minutes`). */
    rateLimited: CompiledPattern[];
  };
}
