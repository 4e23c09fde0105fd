import { existsSync } from 'node:fs';
import { MiyabiError, isMiyabiError } from '../core/errors.js';
import { lazyNet } from '../core/lazy-builtins.js';
import { ControlClient } from './control/client.js';
import { DEFAULT_TIMEOUT_MS, tmuxExec, tmuxExecChain, type ExecOptions } from './exec.js';
import { PANE_FORMAT, parsePanes } from './format.js';
import { ensureLaunchDir, launchScript, tempLaunchDir, writeLaunchScript } from './launch.js';
import type { PaneHandle, PaneInfo, PaneSpec, SessionSpec, TmuxEvent, TmuxPort, TmuxRunOptions, TmuxVersion } from './port.js';
import { assertName, packUnits, sessionTarget, sessionUnits, validateSpec, windowTarget } from './session.js';
import { assertSupported } from './version.js';
import { cachedTmuxVersion } from './version-cache.js';

export interface TmuxOptions {
  /** `-L` socket name of the tmux server miyabi owns. */
  socket: string;
  /** Deadline for one tmux command (one-shot or control mode). Default 3000 ms. */
  commandTimeoutMs?: number;
  /** Where launch scripts go when a SessionSpec names no launchDir. Default: a temp dir. */
  launchDir?: string;
  /** `-f` config file, read only when miyabi starts the server (tests use /dev/null). */
  configFile?: string;
}

/**
 * Where tmux 3.x puts `-L name`'s socket when $TMUX_TMPDIR is unset: /tmp/tmux-<uid>/name. With
 * it set, tmux may fall back to /tmp when that folder is unusable, so we do not guess: null.
 */
export function defaultSocketPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const uid = process.getuid?.();
  return uid === undefined || env.TMUX_TMPDIR !== undefined ? null : `/tmp/tmux-${uid}/${name}`;
}

/** False when nothing listens on the socket (no file, or tmux's file left by a server that exited). */
function serverListens(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const c = lazyNet().createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    // ECONNREFUSED: a file without a server; anything else (EACCES…) is left for tmux to report.
    c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'ECONNREFUSED' && e.code !== 'ENOENT'));
  });
}

const OPTION_KEY = /^@[A-Za-z0-9_-]{1,64}$/;
/** Building a session starts the server and forks every pane: give it more than one command. */
const CREATE_TIMEOUT_MS = 15_000;
const SERVER_EXIT_RETRY_MS = 50;

/** The TmuxPort over a real tmux server. The only class in miyabi that runs tmux. */
export class Tmux implements TmuxPort {
  readonly socketName: string;
  private readonly timeoutMs: number;
  private control: ControlClient | null = null;
  private checked: TmuxVersion | null = null;
  private tempDir: string | null = null;

  constructor(private readonly opts: TmuxOptions) {
    this.socketName = opts.socket;
    this.timeoutMs = opts.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** pid of the control-mode client while one is up (tests reap it by pid). */
  get controlPid(): number | undefined {
    return this.control?.alive ? this.control.pid : undefined;
  }

  /** Installed tmux version; throws TMUX_MISSING, or TMUX_VERSION when older than 3.2. */
  async version(): Promise<TmuxVersion> {
    this.checked ??= assertSupported(await cachedTmuxVersion(this.timeoutMs));
    return this.checked;
  }

  /** One-shot `tmux -L <socket> <args…>`; each argument is passed literally. */
  exec(args: readonly string[], opts: ExecOptions = {}): Promise<string> {
    return tmuxExec(this.socketName, args, this.execOpts(opts));
  }

  /** Exact-name check (`=NAME:`); false when the server is not running. */
  async hasSession(name: string): Promise<boolean> {
    assertName('session name', name);
    // No server: said without starting a tmux client (a fresh `up`'s usual case). tmux leaves its
    // socket file behind when the server exits (after `down`), so a file that refuses a connection
    // is no server either.
    const socket = defaultSocketPath(this.socketName);
    if (socket !== null && !(await serverListens(socket))) return false;
    try {
      await this.exec(['has-session', '-t', sessionTarget(name)]);
      return true;
    } catch (e) {
      if (isMiyabiError(e) && (e.code === 'TMUX_PANE_GONE' || e.code === 'TMUX_UNREACHABLE')) return false;
      throw e;
    }
  }

  async createSession(spec: SessionSpec): Promise<PaneInfo[]> {
    validateSpec(spec);
    await this.version();
    const dir = spec.launchDir ?? this.opts.launchDir ?? (this.tempDir ??= tempLaunchDir());
    ensureLaunchDir(dir);
    const scripts = spec.windows.map((w) =>
      w.panes.map((p) => writeLaunchScript(dir, `${spec.name}.${p.name}.sh`, launchScript(p))),
    );
    const batches = packUnits(sessionUnits(spec, scripts));
    batches[batches.length - 1]!.push(['list-panes', '-s', '-t', sessionTarget(spec.name), '-F', PANE_FORMAT]);
    const build = async (): Promise<string> => {
      let out = '';
      for (const b of batches) out += await tmuxExecChain(this.socketName, b, this.execOpts({ timeoutMs: CREATE_TIMEOUT_MS }));
      return out;
    };
    let out: string;
    try {
      try {
        out = await build();
      } catch (e) {
        // A server that is still exiting (just killed, or its last session just ended) takes
        // the connection and drops it: "server exited unexpectedly". Once more, on a fresh one.
        if (!(isMiyabiError(e) && e.code === 'TMUX_UNREACHABLE')) throw e;
        await new Promise((r) => setTimeout(r, SERVER_EXIT_RETRY_MS));
        out = await build();
      }
    } catch (e) {
      // Never kill a session someone else already had under this name.
      const duplicate = isMiyabiError(e) && /duplicate session/.test(e.message);
      if (!duplicate) await this.killSession(spec.name).catch(() => undefined);
      if (duplicate) {
        throw new MiyabiError('TMUX_COMMAND', `tmux session "${spec.name}" already exists on -L ${this.socketName}`, {
          hint: 'stop it first (miyabi down) or use another session name',
          cause: e,
        });
      }
      throw e;
    }
    const count = spec.windows.reduce((n, w) => n + w.panes.length, 0);
    const lines = out.split('\n');
    const ids = lines.slice(0, count);
    if (!ids.every((id) => /^%\d+$/.test(id))) {
      throw new MiyabiError('TMUX_COMMAND', `unexpected pane ids from tmux: ${JSON.stringify(ids)}`);
    }
    const byId = new Map(parsePanes(lines.slice(count).join('\n')).map((p) => [p.paneId, p]));
    return ids.map((id) => {
      const p = byId.get(id);
      if (!p) throw new MiyabiError('TMUX_PANE_GONE', `pane ${id} vanished while session "${spec.name}" was built`);
      return p;
    });
  }

  /**
   * Hot-path command: through the control client while it is up (≈0.1 ms), else one-shot
   * (≈5 ms). Arguments with a newline, or a stdin payload, always go one-shot. Resolves with the
   * output lines.
   */
  async run(verb: string, args: readonly string[] = [], opts: TmuxRunOptions = {}): Promise<string[]> {
    const c = this.control;
    if (c?.alive && opts.input === undefined && !args.some((a) => a.includes('\n'))) {
      try {
        return await c.command(verb, args, opts.blocks ?? 1);
      } catch (e) {
        // The client went away under us (session killed, server restarted): ask one-shot.
        if (!(isMiyabiError(e) && e.code === 'TMUX_UNREACHABLE' && !c.alive)) throw e;
      }
    }
    const out = await this.exec([verb, ...args], opts);
    return out === '' ? [] : (out.endsWith('\n') ? out.slice(0, -1) : out).split('\n');
  }

  /** The one door for pane commands (PRACTICES 1): every call targets `-t <%id>`. */
  pane(paneId: string): PaneHandle {
    if (!/^%\d+$/.test(paneId)) throw new MiyabiError('USAGE', `not a pane id: ${JSON.stringify(paneId)}`);
    return { id: paneId, run: (verb, args = [], opts = {}) => this.run(verb, ['-t', paneId, ...args], opts) };
  }

  /** All panes of the session; through the control client when it is up. */
  async listPanes(session: string): Promise<PaneInfo[]> {
    assertName('session name', session);
    return parsePanes(await this.run('list-panes', ['-s', '-t', sessionTarget(session), '-F', PANE_FORMAT]));
  }

  /** A session user option, or null when it is not set. */
  async sessionOption(session: string, key: string): Promise<string | null> {
    assertName('session name', session);
    if (!OPTION_KEY.test(key)) throw new MiyabiError('USAGE', `not a user option name: ${JSON.stringify(key)}`);
    try {
      const out = await this.exec(['show-options', '-v', '-t', sessionTarget(session), key]);
      return out.endsWith('\n') ? out.slice(0, -1) : out;
    } catch (e) {
      if (isMiyabiError(e) && e.code === 'TMUX_COMMAND' && /invalid option/.test(e.message)) return null;
      throw e;
    }
  }

  /** Kills the session by exact name; a missing session or server is not an error. */
  async killSession(name: string): Promise<boolean> {
    assertName('session name', name);
    try {
      // Through the control client while it is up: no tmux process to start (≈ 20 ms of `down`).
      // tmux answers the command (%end) before it tells the client its session is gone (%exit).
      await this.run('kill-session', ['-t', sessionTarget(name)]);
      return true;
    } catch (e) {
      if (isMiyabiError(e) && (e.code === 'TMUX_PANE_GONE' || e.code === 'TMUX_UNREACHABLE')) return false;
      throw e;
    }
  }

  /** (Re)opens the control client on `session`; notifications go to onEvent. */
  async attachControl(session: string, onEvent: (e: TmuxEvent) => void): Promise<void> {
    assertName('session name', session);
    await this.closeControl();
    // A control client started with no server running starts one (and says "no sessions"):
    // ask one-shot first, which fails with TMUX_UNREACHABLE / TMUX_PANE_GONE instead.
    await this.exec(['has-session', '-t', sessionTarget(session)]);
    this.control = await ControlClient.open({
      socket: this.socketName,
      session,
      timeoutMs: this.timeoutMs,
      ...(this.opts.configFile ? { configFile: this.opts.configFile } : {}),
      onEvent,
    });
  }

  /**
   * Adds a pane to a live session's window (an agent spawned after `up`): the same launch script
   * and pane options as createSession, the window re-tiled. Returns the new pane.
   */
  async addPane(session: string, window: string, spec: PaneSpec, launchDir: string): Promise<PaneInfo> {
    assertName('session name', session);
    assertName('window name', window);
    assertName('pane name', spec.name);
    ensureLaunchDir(launchDir);
    const script = writeLaunchScript(launchDir, `${session}.${spec.name}.sh`, launchScript(spec));
    // -d: the pane a person is typing in (the conductor, say) keeps the keyboard. Splitting the
    // window's last pane (not the active one) keeps the panes in the order they were made.
    const last = (await this.run('list-panes', ['-t', windowTarget(session, window), '-F', '#{pane_id}'])).at(-1);
    const [paneId = ''] = await this.run('split-window', ['-d', '-t', last ?? windowTarget(session, window), '-P', '-F', '#{pane_id}', '/bin/sh', script]);
    const pane = this.pane(paneId);
    await pane.run('set-option', ['-p', 'remain-on-exit', 'on']);
    await pane.run('set-option', ['-p', '@miyabi_agent', spec.name]);
    await pane.run('set-option', ['-p', '@miyabi_role', spec.role]);
    await this.run('select-layout', ['-t', windowTarget(session, window), 'tiled']);
    const info = (await this.listPanes(session)).find((p) => p.paneId === paneId);
    if (!info) throw new MiyabiError('TMUX_PANE_GONE', `pane ${paneId} for ${spec.name} vanished as it was made`);
    return info;
  }

  async respawnPane(paneId: string, spec: PaneSpec, launchDir: string): Promise<void> {
    assertName('pane name', spec.name);
    const pane = this.pane(paneId);
    ensureLaunchDir(launchDir);
    // display -t on a pane that is gone answers rc 0 with every format empty.
    const [line = ''] = await pane.run('display-message', ['-p', '#{pane_id}|#{session_name}']);
    const [id, session = ''] = line.split('|');
    if (id !== paneId) throw new MiyabiError('TMUX_PANE_GONE', `pane ${paneId} for ${spec.name} is gone`);
    const script = writeLaunchScript(launchDir, `${session}.${spec.name}.sh`, launchScript(spec));
    await pane.run('respawn-pane', ['-k', '/bin/sh', script]);
  }

  async killPane(paneId: string): Promise<void> {
    try {
      await this.pane(paneId).run('kill-pane');
    } catch (e) {
      if (!(isMiyabiError(e) && (e.code === 'TMUX_PANE_GONE' || e.code === 'TMUX_UNREACHABLE'))) throw e;
    }
  }

  /** Ends the control client (and waits for it): do this before killing the server. */
  async close(): Promise<void> {
    await this.closeControl();
  }

  /**
   * Kills the whole server, control client first (RELIABILITY 13: a `tmux -C` left attached
   * has wedged kill-server on 3.3a). No server is not an error.
   */
  async killServer(): Promise<void> {
    await this.closeControl();
    try {
      await this.exec(['kill-server']);
    } catch (e) {
      if (!(isMiyabiError(e) && e.code === 'TMUX_UNREACHABLE')) throw e;
    }
  }

  private async closeControl(): Promise<void> {
    const c = this.control;
    this.control = null;
    if (c) await c.close();
  }

  private execOpts(opts: ExecOptions): ExecOptions {
    return {
      timeoutMs: this.timeoutMs,
      ...(this.opts.configFile ? { configFile: this.opts.configFile } : {}),
      ...opts,
    };
  }
}
