import { existsSync } from 'node:fs';
import { lazyCrypto } from './lazy-builtins.js';
import { fileSize } from './log-tail.js';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Linux `sun_path` is 108 bytes; stay well below it like Nx does. */
export const MAX_SOCKET_PATH = 100;

/**
 * Every path under `<root>/.miyabi/` is made here, so a change of layout is one edit and `doctor`,
 * the CLI and the controller never disagree about where a thing lives.
 */
export interface ProjectPaths {
  root: string;
  /** `.miyabi/` */
  dir: string;
  run: string;
  logs: string;
  journal: string;
  /** Snapshot, git state files (worktrees.json, ports.json), conductor history. */
  state: string;
  /** The message bus: one Maildir per recipient. */
  bus: string;
  /** One folder per pipeline run. */
  runs: string;
  reports: string;
  launch: string;
  /** Text files typed into panes (load-buffer). */
  paste: string;
  /** Agent CLI hook settings. */
  hooks: string;
  lock: string;
  info: string;
  controllerLog: string;
  conductorHistory: string;
  socket: string;
  /** True when the socket had to move out of the project (path too long). */
  socketRelocated: boolean;
}

/**
 * The project is the enclosing git work tree (a `.git` folder or file), or `MIYABI_ROOT` when a
 * pane of ours sets it, or the folder itself outside git.
 */
export function findProjectRoot(start = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  if (env.MIYABI_ROOT && existsSync(env.MIYABI_ROOT)) return resolve(env.MIYABI_ROOT);
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(start);
    dir = up;
  }
}

export function isGitRoot(root: string): boolean {
  return existsSync(join(root, '.git'));
}

export function socketFallbackDir(env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.() ?? 0;
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'miyabi') : join(tmpdir(), `miyabi-${uid}`);
}

export function miyabiDir(root: string): string {
  return join(resolve(root), '.miyabi');
}

export function projectPaths(rootIn: string, env: NodeJS.ProcessEnv = process.env): ProjectPaths {
  const root = resolve(rootIn);
  const dir = miyabiDir(root);
  const run = join(dir, 'run');
  let socket = join(run, 'ctl.sock');
  let socketRelocated = false;
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    // node:crypto only here, for the rare long path: loading it costs every `miyabi send` at start.
    const hash = lazyCrypto().createHash('sha256').update(root).digest('hex').slice(0, 16);
    socket = join(socketFallbackDir(env), `${hash}.sock`);
    socketRelocated = true;
  }
  return {
    root,
    dir,
    run,
    logs: join(dir, 'logs'),
    journal: join(dir, 'journal'),
    state: join(dir, 'state'),
    bus: join(dir, 'bus'),
    runs: join(dir, 'runs'),
    reports: join(dir, 'reports'),
    launch: join(run, 'panes'),
    paste: join(run, 'paste'),
    hooks: join(run, 'hooks'),
    lock: join(run, 'controller.lock'),
    info: join(run, 'controller.json'),
    controllerLog: join(dir, 'logs', 'controller.log'),
    conductorHistory: join(dir, 'state', 'conductor-history'),
    socket,
    socketRelocated,
  };
}

/** The tmux server miyabi uses: its own (`-L miyabi`) unless told otherwise. */
export function tmuxSocketName(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.MIYABI_TMUX_SOCKET ?? 'miyabi';
}

/**
 * The log to read an agent's output back from (`miyabi tail`, the dashboard's preview): the raw
 * `<agent>.log`, whose cursor moves core/render-text applies (the stripped `.txt` has lost them,
 * so bash's redraw of a pasted line landed at the wrong column). The `.txt` only when the raw log
 * is missing or empty and it is not: state a controller before this one left (it seeded only there).
 */
export function agentOutputLog(logs: string, agent: string): string {
  const raw = join(logs, `${agent}.log`);
  const plain = join(logs, `${agent}.txt`);
  return fileSize(raw) > 0 || fileSize(plain) === 0 ? raw : plain;
}
