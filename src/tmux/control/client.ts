import { MiyabiError } from '../../core/errors.js';
import type { TmuxEvent } from '../port.js';
import { missingError, timeoutError, tmuxError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS, assertSocket } from '../exec.js';
import { commandLine } from '../quote.js';
import { ControlParser, notificationEvent, type ControlMessage } from './parser.js';
import { ControlProcess } from './process.js';

/**
 * A persistent control-mode client: `tmux -L <socket> -C attach-session -t =<session>:` on pipes
 * (plain -C, not -CC). One command per line; replies are matched to commands in order (FIFO).
 *
 * A reply that does not come within the deadline means the client (or the server) is wedged:
 * every pending command is rejected with TMUX_TIMEOUT, the client is killed, a new one is started
 * and `{type:'client-restarted'}` is emitted, so the owner can go on. If the new client cannot
 * attach either, the client is closed and `{type:'exit'}` is emitted.
 */
export interface ControlClientOptions {
  socket: string;
  session: string;
  /** Deadline for each reply and for attaching. Default 3000 ms. */
  timeoutMs?: number;
  configFile?: string;
  onEvent?: (e: TmuxEvent) => void;
}

interface Pending {
  line: string;
  resolve: (lines: string[]) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
  /**
   * Reply blocks this line brings: 1, or more for a command that runs another (`if-shell` runs
   * its chosen command as an item of its own, which answers in a block of its own).
   */
  blocks: number;
  lines: string[];
  error?: Error;
}

interface Generation {
  cp: ControlProcess;
  sawExit: boolean;
  ready: boolean;
  settle?: (err?: Error) => void;
}

type State = 'starting' | 'ready' | 'restarting' | 'closed';

export class ControlClient {
  private readonly timeoutMs: number;
  private state: State = 'starting';
  private gen: Generation | null = null;
  private sent: Pending[] = [];
  private waiting: Pending[] = [];

  private constructor(private readonly opts: ControlClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Starts the client and resolves once it is attached. Throws the classified tmux error. */
  static async open(opts: ControlClientOptions): Promise<ControlClient> {
    assertSocket(opts.socket);
    const c = new ControlClient(opts);
    try {
      await c.startGeneration();
    } catch (e) {
      c.state = 'closed';
      throw e;
    }
    c.state = 'ready';
    return c;
  }

  get pid(): number | undefined {
    return this.gen?.cp.pid;
  }

  get alive(): boolean {
    return this.state !== 'closed';
  }

  /** Sends one command line; resolves with the reply's lines or rejects with its %error text. */
  run(line: string, blocks = 1): Promise<string[]> {
    if (line.includes('\n')) {
      return Promise.reject(new MiyabiError('TMUX_COMMAND', 'a control-mode command must be a single line'));
    }
    if (this.state === 'closed') {
      return Promise.reject(this.closedError('the control client is closed'));
    }
    return new Promise<string[]>((resolve, reject) => {
      const p: Pending = { line, resolve, reject, blocks, lines: [] };
      if (this.state === 'ready') this.send(p);
      else this.waiting.push(p);
    });
  }

  /** `run(commandLine(verb, args))`: every argument quoted for tmux's parser. */
  command(verb: string, args: readonly string[] = [], blocks = 1): Promise<string[]> {
    let line: string;
    try {
      line = commandLine(verb, args);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.run(line, blocks);
  }

  /** Ends the client process: stdin closed and SIGTERM, then SIGKILL if it does not exit in time. */
  async close(): Promise<void> {
    this.state = 'closed';
    this.rejectAll(() => this.closedError('the control client was closed'));
    const g = this.gen;
    if (g) await this.stop(g, 'SIGTERM');
  }

  private closedError(msg: string): MiyabiError {
    return new MiyabiError('TMUX_UNREACHABLE', msg, { detail: { socket: this.opts.socket, session: this.opts.session } });
  }

  private send(p: Pending): void {
    const g = this.gen!;
    this.sent.push(p);
    p.timer = setTimeout(() => void this.wedged(`no reply to ${JSON.stringify(verbOf(p.line))}`), this.timeoutMs);
    g.cp.write(p.line);
  }

  private rejectAll(err: () => Error): void {
    const all = [...this.sent, ...this.waiting];
    this.sent = [];
    this.waiting = [];
    for (const p of all) {
      clearTimeout(p.timer);
      p.reject(err());
    }
  }

  private startGeneration(): Promise<void> {
    const { socket, session, configFile } = this.opts;
    const args = ['-L', socket, ...(configFile ? ['-f', configFile] : []), '-C', 'attach-session', '-t', `=${session}:`];
    const parser = new ControlParser((m) => this.onMessage(g, m));
    const g: Generation = {
      cp: new ControlProcess(args, (d) => parser.push(d), (err) => this.onExit(g, err)),
      sawExit: false,
      ready: false,
    };
    this.gen = g;

    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        g.settle?.(timeoutError('attach-session (control mode)', this.timeoutMs, socket));
        void this.stop(g, 'SIGKILL');
      }, this.timeoutMs);
      g.settle = (err) => {
        g.settle = undefined;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
    });
  }

  private onMessage(g: Generation, m: ControlMessage): void {
    if (g !== this.gen || this.state === 'closed') return;
    // Nothing is passed on from a client that never attached (its %exit is part of the failure).
    if (!g.ready && m.kind !== 'block') return;
    if (m.kind === 'block') {
      if (m.flags === 0) {
        // The attach-session given on the client's command line.
        if (!g.ready) {
          g.ready = m.ok;
          g.settle?.(m.ok ? undefined : tmuxError('attach-session', m.lines.join('\n'), this.opts.socket));
        }
        return;
      }
      const p = this.sent[0];
      if (!p) return;
      p.lines.push(...m.lines);
      if (!m.ok) p.error ??= tmuxError(verbOf(p.line), m.lines.join('\n'), this.opts.socket);
      if (--p.blocks > 0) return;
      this.sent.shift();
      clearTimeout(p.timer);
      if (p.error) p.reject(p.error);
      else p.resolve(p.lines);
      return;
    }
    if (m.kind === 'output') {
      this.emit({ type: 'output', paneId: m.paneId, data: m.data });
      return;
    }
    if (m.name === 'exit') g.sawExit = true;
    this.emit(notificationEvent(m.name, m.args));
  }

  private onExit(g: Generation, err?: Error): void {
    if (g.settle) {
      const e =
        (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
          ? missingError(err)
          : tmuxError('attach-session', g.cp.exitText, this.opts.socket, err);
      g.settle(e);
    }
    if (g !== this.gen || this.state === 'closed' || this.state === 'restarting' || this.state === 'starting') return;
    // Not asked for: the session was killed, the server died, or someone detached us.
    this.state = 'closed';
    const why = g.cp.exitText;
    this.rejectAll(() => this.closedError(`tmux control client exited: ${why}`));
    if (!g.sawExit) this.emit({ type: 'exit', reason: why });
  }

  private async wedged(reason: string): Promise<void> {
    if (this.state !== 'ready') return;
    this.state = 'restarting';
    const old = this.gen!;
    const full = `${reason} within ${this.timeoutMs} ms; restarting the control client`;
    this.rejectAll(() => timeoutError('a control-mode command', this.timeoutMs, this.opts.socket, new Error(full)));
    await this.stop(old, 'SIGKILL');
    if (this.state !== 'restarting') return; // closed meanwhile
    try {
      await this.startGeneration();
    } catch (e) {
      if (this.state !== 'restarting') return;
      this.state = 'closed';
      this.rejectAll(() => this.closedError(`tmux control client could not restart: ${(e as Error).message}`));
      if (this.gen) await this.stop(this.gen, 'SIGKILL');
      this.emit({ type: 'exit', reason: `control client restart failed: ${(e as Error).message}` });
      return;
    }
    if (this.state !== 'restarting') return;
    this.state = 'ready';
    this.emit({ type: 'client-restarted', reason: full });
    const queued = this.waiting;
    this.waiting = [];
    for (const p of queued) this.send(p);
  }

  private stop(g: Generation, signal: NodeJS.Signals): Promise<void> {
    return g.cp.stop(signal, this.timeoutMs);
  }

  private emit(e: TmuxEvent): void {
    const cb = this.opts.onEvent;
    if (!cb) return;
    try {
      cb(e);
    } catch (err) {
      // A throwing listener must not break the parser; surface it like an EventEmitter would.
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}

function verbOf(line: string): string {
  return line.split(' ', 1)[0] ?? line;
}
