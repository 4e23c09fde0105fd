import type { RecoveryConfig } from './recovery-schema.js';

/** The normalized layout the rest of miyabi uses; the YAML schema lives in layout-schema.ts. */
export type PaneRole = 'conductor' | 'dashboard' | 'agent' | 'shell';

/** tmux's preset window arrangements (tmux.1 calls them layouts: select-layout). */
export const WINDOW_ARRANGEMENTS = [
  'tiled',
  'even-horizontal',
  'even-vertical',
  'main-horizontal',
  'main-vertical',
] as const;
export type WindowArrangement = (typeof WINDOW_ARRANGEMENTS)[number];

export interface PaneCommand {
  /**
   * `argv` runs directly (no shell); `shell` runs through `/bin/sh -c` because the user wrote a
   * string on purpose; `default` is the role's built-in (user's shell, `miyabi conductor`, …).
   */
  kind: 'argv' | 'shell' | 'default';
  argv: string[];
}

/** Per-pane message delivery settings as written (snake_case keys mapped); all optional. */
export interface PaneMessages {
  header?: string | false;
  delivery?: 'full' | 'notice';
  batch?: boolean;
  submitKey?: string;
  submitDelayMs?: number;
  settleMs?: number;
  /** How long the pane may show no prompt before messages go in anyway (profiles.ts readyGraceMs). */
  readyGraceMs?: number;
  /** How long the program may take to show a paste before it is reported unresponsive (profiles.ts readLimitMs). */
  readLimitMs?: number;
  relay?: string | false;
  inboxCap?: number;
}

export interface PaneLayout {
  /** Stable name, unique in the layout; for agents, the agent name. Matches NAME_PATTERN. */
  name: string;
  role: PaneRole;
  command: PaneCommand;
  /** Absolute folder the pane starts in. */
  cwd: string;
  /** The full environment of the pane: captured process env < layout `env` < pane `env`. */
  env: Record<string, string>;
  /**
   * Only what the layout file set (layout `env` < pane `env`), for callers that start panes on a
   * tmux server that already has the process environment and want to pass just the difference.
   */
  envOverrides?: Record<string, string>;
  /** Delivery profile named in the layout; guessed from the command when absent. */
  profile?: string;
  messages?: PaneMessages;
  /** An agent that works in a git worktree of its own, from `base`, on a branch from `branch`. */
  worktree?: { base?: string; branch?: string };
  /** Install the agent CLI's own hooks (Claude Code: prompt submitted, turn stopped) to report its state. */
  hooks?: boolean;
  /** A state profile file of the user's (patterns for ready, busy, waiting, rate-limited), absolute. */
  states?: string;
}

export interface WindowLayout {
  name: string;
  /** How tmux arranges the window's panes (the YAML field `layout:`). */
  arrangement: WindowArrangement;
  panes: PaneLayout[];
}

/** A layout file, normalized: the session's windows and panes (SessionSpec is what tmux is given from it). */
export interface SessionLayout {
  /** Where it came from: a file path, or "<built-in default>". */
  source: string;
  session: string;
  root: string;
  /** Captured process env < layout `env`. */
  env: Record<string, string>;
  windows: WindowLayout[];
  /** How agents' worktrees are made (root folder, files to copy, setup/teardown, ports, pool). */
  worktrees?: WorktreesConfig;
  /** The recovery ladder's settings (`recovery:`); defaults in src/recovery/policy.ts. */
  recovery?: RecoveryConfig;
}

export interface WorktreesConfig {
  root?: string;
  copy?: string[];
  /** argv of the command run in a new worktree (a string is run by /bin/sh -c). */
  setup?: string[];
  teardown?: string[];
  ports?: { from: number; to: number };
  pool?: number;
}
