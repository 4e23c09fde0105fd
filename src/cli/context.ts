import { readFileSync } from 'node:fs';
import { findProjectRoot, projectPaths, tmuxSocketName, type ProjectPaths } from '../core/paths.js';
import { trustState } from '../core/state-trust.js';
import { MiyabiError } from '../core/errors.js';
import { IpcClient } from '../ipc/client.js';
import { readLock } from '../core/instance-lock.js';
import { sameProcessAlive } from '../core/pid.js';

export interface GlobalOptions {
  socket?: string;
}

export interface CliContext {
  paths: ProjectPaths;
  /** The tmux server name from --socket / MIYABI_TMUX_SOCKET, or the default. */
  tmuxSocket: string;
  /** True when the user chose the tmux server explicitly. */
  tmuxSocketGiven: boolean;
}

/**
 * tmux makes the name a file in its socket folder (`tmux -L NAME`): no `/`, no leading `-` (it
 * would be read as an option), nothing a file name or a shell would trip on. Refused up front
 * (exit 2) instead of surfacing as "the controller exited (1)".
 */
const TMUX_SOCKET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

export function checkTmuxSocket(name: string, fromFlag: boolean): string {
  if (TMUX_SOCKET_NAME.test(name)) return name;
  throw new MiyabiError('USAGE', `${fromFlag ? '--socket' : 'MIYABI_TMUX_SOCKET'} ${JSON.stringify(name)} is not a tmux server name miyabi accepts`, {
    hint: 'allowed: a letter, digit or _, then up to 99 of A-Z a-z 0-9 _ . - (e.g. "miyabi" or "work-2"); it names a socket file, not a path',
  });
}

/**
 * The project and its tmux server. Its `.miyabi/` is checked first (core/state-trust.ts): one a
 * clone brought is refused before anything in it is read. `create` makes it when absent (verbs
 * that write state without a controller); `skip` is for `doctor`, which reports it instead.
 */
export function cliContext(g: GlobalOptions, state: 'check' | 'create' | 'skip' = 'check'): CliContext {
  const paths = projectPaths(findProjectRoot());
  if (state !== 'skip') trustState(paths.root, { create: state === 'create', git: state === 'create' });
  return {
    paths,
    tmuxSocket: checkTmuxSocket(tmuxSocketName(g.socket), g.socket !== undefined && g.socket !== process.env.MIYABI_TMUX_SOCKET),
    tmuxSocketGiven: g.socket !== undefined || process.env.MIYABI_TMUX_SOCKET !== undefined,
  };
}

export interface ControllerInfo {
  pid: number;
  socket: string;
  tmuxSocket: string;
  session: string;
}

/** What the last controller of this project wrote about itself (it may be gone since). */
export function readControllerInfo(paths: ProjectPaths): ControllerInfo | null {
  try {
    return JSON.parse(readFileSync(paths.info, 'utf8')) as ControllerInfo;
  } catch {
    return null;
  }
}

/**
 * How long after taking the lock a controller that does not listen yet is taken for one starting
 * (another terminal's `up`, or its supervisor starting it again): a verb run meanwhile waits for it
 * rather than say that no controller runs.
 */
const STARTING_MS = 20_000;

/** The lock names a live controller that took it a moment ago (not a `miyabi run`, not a pid reused). */
function controllerStarting(paths: ProjectPaths): boolean {
  const l = readLock(paths.lock);
  return l !== null && l.role !== 'run' && l.pid !== process.pid && Date.now() - l.startedAt < STARTING_MS && sameProcessAlive(l.pid, l.start);
}

/** Connects to the running controller (waiting for one that is starting), or returns null when there is none. */
export async function tryConnect(paths: ProjectPaths, timeoutMs = 1000): Promise<IpcClient | null> {
  for (;;) {
    try {
      return await IpcClient.connect(paths.socket, timeoutMs);
    } catch {
      if (!controllerStarting(paths)) return null;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
