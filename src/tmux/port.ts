/**
 * The only door to tmux (DESIGN.md: TmuxPort). Domain code and the controller depend on this
 * interface; src/tmux/ implements it with a real server, tests may fake it.
 */
export interface TmuxVersion {
  raw: string;
  major: number;
  minor: number;
}

export interface PaneSpec {
  /** Stable pane name (agent name, "conductor", …), stored in the pane option @miyabi_agent. */
  name: string;
  /** Stored in the pane option @miyabi_role. */
  role: string;
  /** Run directly as the pane's own process (never typed into a shell). */
  argv: string[];
  cwd: string;
  /** Full environment for the pane's process. */
  env: Record<string, string>;
  /**
   * A unix socket the pane waits for (polled by its launch script, at most WAIT_FOR_LIMIT_S)
   * before its program starts: the conductor and the dashboard, clients of the controller, wait
   * for its socket instead of loading beside it while `up` waits for it (issue #17).
   */
  waitFor?: string;
}

export interface WindowSpec {
  name: string;
  /** tmux's window arrangement: one of its five preset names, or a layout string (arrangement.ts). */
  arrangement: string;
  panes: PaneSpec[];
}

export interface SessionSpec {
  name: string;
  windows: WindowSpec[];
  /** Session user options (keys start with "@"), e.g. @miyabi_root. */
  options: Record<string, string>;
  /**
   * Private directory (created 0700 if missing) for the per-pane launch scripts that carry each
   * pane's cwd, env and argv, so no user text reaches a tmux argument list. Defaults to the
   * Tmux constructor's `launchDir`, else a fresh temp directory.
   */
  launchDir?: string;
}

export interface PaneInfo {
  paneId: string;
  sessionName: string;
  windowId: string;
  windowName: string;
  windowIndex: number;
  paneIndex: number;
  pid: number;
  dead: boolean;
  deadStatus: number | null;
  currentCommand: string;
  currentPath: string;
  startCommand: string;
  inMode: boolean;
  /** Columns (`pane_width`): logs of its output are rendered at it (core/render-text.ts). */
  width?: number;
  /** @miyabi_agent and @miyabi_role, "" when unset. */
  agent: string;
  role: string;
}

export type TmuxEvent =
  | { type: 'output'; paneId: string; data: Buffer }
  | { type: 'exit'; reason: string }
  | { type: 'window-close'; windowId: string }
  | { type: 'layout-change'; windowId: string }
  | { type: 'session-changed' }
  | { type: 'client-restarted'; reason: string }
  | { type: 'notification'; name: string; args: string };

/** Options of one tmux command: a deadline, a stdin payload (`load-buffer -`), control-mode blocks. */
export interface TmuxRunOptions {
  input?: string | Uint8Array;
  timeoutMs?: number;
  /** Control-mode reply blocks to wait for (an `if-shell` that runs a second command answers twice). */
  blocks?: number;
}

/** One pane, by its %id: the only way a pane command is sent (every call targets `-t <%id>`). */
export interface PaneHandle {
  readonly id: string;
  run(verb: string, args?: readonly string[], opts?: TmuxRunOptions): Promise<string[]>;
}

export interface TmuxPort {
  readonly socketName: string;
  version(): Promise<TmuxVersion>;
  hasSession(name: string): Promise<boolean>;
  /** Builds every window and pane, tags each pane, returns them in layout order. */
  createSession(spec: SessionSpec): Promise<PaneInfo[]>;
  listPanes(session: string): Promise<PaneInfo[]>;
  sessionOption(session: string, key: string): Promise<string | null>;
  /** Resolves false when there was no such session (not an error). */
  killSession(name: string): Promise<boolean | void>;
  /** A server-wide command (buffers, layouts): through the control client while it is up. */
  run(verb: string, args?: readonly string[], opts?: TmuxRunOptions): Promise<string[]>;
  /** Throws USAGE for anything but a `%<n>` id. */
  pane(paneId: string): PaneHandle;
  /** A new pane in a live session's window, launched and tagged as createSession does. */
  addPane(session: string, window: string, spec: PaneSpec, launchDir: string): Promise<PaneInfo>;
  /** A pane already gone is not an error. */
  killPane(paneId: string): Promise<void>;
  /**
   * Restarts the pane's process (`respawn-pane -k`) with `spec`'s command, cwd and env through a
   * fresh launch script; the pane keeps its %id and its options (@miyabi_agent, @miyabi_role).
   */
  respawnPane(paneId: string, spec: PaneSpec, launchDir: string): Promise<void>;
  /** Opens (or reopens) the persistent control-mode client attached to `session`. */
  attachControl(session: string, onEvent: (e: TmuxEvent) => void): Promise<void>;
  close(): Promise<void>;
}
