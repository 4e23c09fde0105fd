import { readFileSync } from 'node:fs';
import { findProjectRoot, projectPaths, tmuxSocketName, type ProjectPaths } from '../core/paths.js';
import { trustState } from '../core/state-trust.js';
import { IpcClient } from '../ipc/client.js';

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
 * The project and its tmux server. Its `.miyabi/` is checked first (core/state-trust.ts): one a
 * clone brought is refused before anything in it is read. `create` makes it when absent (verbs
 * that write state without a controller); `skip` is for `doctor`, which reports it instead.
 */
export function cliContext(g: GlobalOptions, state: 'check' | 'create' | 'skip' = 'check'): CliContext {
  const paths = projectPaths(findProjectRoot());
  if (state !== 'skip') trustState(paths.root, { create: state === 'create', git: state === 'create' });
  return {
    paths,
    tmuxSocket: tmuxSocketName(g.socket),
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

/** Connects to the running controller, or returns null when there is none. */
export async function tryConnect(paths: ProjectPaths, timeoutMs = 1000): Promise<IpcClient | null> {
  try {
    return await IpcClient.connect(paths.socket, timeoutMs);
  } catch {
    return null;
  }
}

export async function connect(paths: ProjectPaths): Promise<IpcClient> {
  return IpcClient.connect(paths.socket);
}
