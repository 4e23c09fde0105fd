import type { SessionLayout } from '../config/layout-types.js';
import { Journal, type JournalHealth } from '../core/journal.js';
import type { ProjectPaths } from '../core/paths.js';
import { writeFileNoFollow } from '../core/no-follow.js';
import { readSnapshot, writeSnapshot } from '../core/snapshot.js';
import type { StatusResult } from '../ipc/protocol.js';
import { handlerTable } from '../ipc/handlers.js';
import { IpcServer, type HandlerTable } from '../ipc/server.js';
import { formatIssue } from '../config/config-issue.js';
import { deferred, gatedTable } from './gated-handlers.js';
import type { PaneInfo } from '../tmux/port.js';
import { ControlWatch } from './control-watch.js';
import { coreHandlers } from './handlers/index.js';
import { ipcConnectionBudget } from './fd-budget.js';
import { listenIpc, type BoundSocket } from './ipc-listen.js';
import { appendLog, stopSteps } from './log.js';
import { openSession } from '../session/open-session.js';
import type { Handover, UpChannel } from '../session/handover.js';
import { MiyabiError } from '../core/errors.js';
import type { Built } from '../session/prepare.js';
import type { ControllerTmux, Part, Snapshot, SnapshotOnDisk } from './parts/part.js';
import { Parts } from './parts/parts.js';
import { StartupMarks } from '../core/startup-marks.js';
import { takeHandedStateDir, takeStateDir } from '../session/state-dir.js';
import { statusOf } from './status.js';
import { PaneSweeper } from './sweep.js';

export interface ControllerOptions {
  paths: ProjectPaths;
  tmux: ControllerTmux;
  layoutRef?: string;
  miyabiBin: string;
  env: NodeJS.ProcessEnv;
  sweepMs?: number;
  /** Called once the controller has fully stopped (the daemon exits there). */
  onStopped?: (code: number) => void;
  /** The parts to start (controllerParts() unless a test gives others). */
  parts?: Part[];
  /** Runs under a supervisor (restart means a new controller); default: MIYABI_SUPERVISED=1. */
  supervised?: boolean;
  /** The `up` that started us builds the session itself and tells us over this channel (session/handover.ts). */
  up?: UpChannel;
  /** Who passes us the lock with `up`: the `up` that spawned us (default), or this very process (a spare). */
  upPid?: number;
  /** performance.now() when this controller's start began: a spare's start is its request, not its process. */
  origin?: number;
}

/**
 * Owns one project's tmux session. The single writer of the journal and the snapshot; every
 * client (CLI verbs, dashboard, conductor) reaches it over IPC.
 */
export class Controller {
  readonly startedAt = Date.now();
  private journal!: Journal;
  private lock?: { release: () => void };
  private ipc?: BoundSocket;
  private layout!: SessionLayout;
  /** The layout's warnings, file:line each, for the `up` that started us (a tmuxinator/tmuxp file's unmapped keys). */
  layoutWarnings: string[] = [];
  private commands: Record<string, string> = {};
  private sweeper?: PaneSweeper;
  private snapshot: SnapshotOnDisk | null = null;
  /** Empty until startParts(): the parts' code loads after `up` has been told (issue #17). */
  private parts: Parts;
  /** True when this start built the session (not adopted it): a failed start ends it again. */
  private builtSession = false;
  /** How this start's session was built (by us or by `up`), for the recovery part. */
  private built?: Built;
  private stopping?: Promise<void>;
  /** The full handler table, once every part has started (requests wait for it). */
  private readonly ready = deferred<HandlerTable>();

  constructor(private readonly o: ControllerOptions) {
    this.parts = new Parts([], (l) => this.log(l));
    this.startup = new StartupMarks(o.origin);
  }

  get sessionName(): string {
    return this.layout.session;
  }

  /** The log is written only once .miyabi/ is known to be ours: never through a link a clone brought. */
  private stateChecked = false;

  log(line: string): void {
    if (this.stateChecked) appendLog(this.o.paths.controllerLog, line);
  }

  /** Each step of start(), journaled for `doctor` and the bench. */
  private readonly startup: StartupMarks;

  /**
   * Builds or adopts the session and starts listening; resolves with the panes. The parts start
   * in `startParts()`, after the starter has been told (issue #17: `up` waits for nothing that it
   * does not promise): a request that arrives before they are up waits for them, so a client that
   * gets an answer still finds them. Watching the panes (control client, sweep) starts in `watch()`.
   */
  async start(): Promise<PaneInfo[]> {
    const p = this.o.paths;
    this.startup.mark('imported');
    const trusted = () => (this.stateChecked = true);
    if (this.o.up) {
      // `up` checked the layout and tmux, took .miyabi/, and passes us the lock with the layout it
      // checked (session/handover.ts). It waits for our word, so it is still our parent.
      this.layout = await this.heard('lock');
      this.startup.mark('checked');
      this.lock = takeHandedStateDir(p, this.o.upPid ?? process.ppid, trusted);
    } else {
      const version = this.o.tmux.version();
      version.catch(() => undefined); // awaited below, after the layout check
      // Check the layout and tmux before touching anything: a bad layout creates nothing.
      const { loadLayout } = await import('../config/load-layout.js');
      const loaded = loadLayout({ ref: this.o.layoutRef, projectRoot: p.root, miyabiBin: this.o.miyabiBin, env: this.o.env });
      if (!loaded.ok) throw loaded.error;
      this.layout = loaded.value;
      this.layoutWarnings = loaded.warnings.map(formatIssue);
      (await import('../session/prepare.js')).checkBeforeBuild(this.layout, p.root);
      await version;
      this.startup.mark('checked');
      this.lock = takeStateDir(p, { env: this.o.env, miyabiBin: this.o.miyabiBin, onTrusted: trusted });
    }
    this.journal = Journal.open(p.dir, { fsync: 'group', groupMs: 50 });
    this.snapshot = readSnapshot(p.dir) as SnapshotOnDisk | null;
    this.startup.mark('journal');
    let panes: PaneInfo[];
    try {
      // Takes the session `up` built, adopts a live one of this project, or builds one (session/open-session.ts).
      ({ panes, commands: this.commands, created: this.builtSession, built: this.built } = await openSession({
        tmux: this.o.tmux, layout: this.layout, paths: p, env: this.o.env, journal: this.journal, miyabiBin: this.o.miyabiBin,
        commands: this.snapshot?.session === this.sessionName ? (this.snapshot.commands ?? {}) : {},
        handover: this.o.up ? await this.heard('built') : null,
      }));
      this.startup.mark('session');
      // Every request waits for the parts (gated-handlers.ts); the socket is bound now so that
      // clients started right after `up` connect at once and get their answer when it is true.
      const core = coreHandlers(this);
      const server = new IpcServer(gatedTable(this.ready.promise, { ping: core.ping, status: core.status }), {
        maxConnections: ipcConnectionBudget(),
        onError: (e) => this.log(`handler error: ${String(e)}`),
      });
      server.stream(this.journal);
      this.ipc = await listenIpc(server, p.socket, { ownDir: p.socketRelocated });
      this.startup.mark('listening');
    } catch (e) {
      await this.failedStart(e);
      this.journal.close();
      this.lock?.release();
      throw e;
    }
    writeFileNoFollow(p.info, JSON.stringify({ pid: process.pid, socket: p.socket, tmuxSocket: this.o.tmux.socketName, session: this.sessionName }));
    return panes;
  }

  /** The next word of the `up` that started us: `lock`, then the session it built. `abort`, or its channel closing, stops us. */
  private async heard(step: 'lock'): Promise<SessionLayout>;
  private async heard(step: 'built'): Promise<Handover | null>;
  private async heard(step: 'lock' | 'built'): Promise<SessionLayout | Handover | null> {
    const m = await this.o.up!();
    if (m === null) throw new MiyabiError('CONTROLLER_START', `miyabi up went away before it said ${step}`);
    if (m.step === 'abort') throw new MiyabiError('CONTROLLER_START', `miyabi up gave up: ${m.why}`);
    if (m.step !== step) throw new MiyabiError('INTERNAL', `miyabi up said ${m.step} where ${step} was due`);
    return m.step === 'lock' ? m.layout : m.handover;
  }

  /**
   * A start that fails after building the session ends it: with no controller running, `down`
   * would have to search for it. Never an adopted one.
   */
  private async failedStart(e: unknown): Promise<void> {
    if (this.builtSession) {
      await this.o.tmux.killSession(this.layout.session).then(
        () => this.journal.append('session.killed', { session: this.layout.session }),
        () => undefined,
      );
    }
    this.journal.appendDurable('controller.start-failed', { error: String(e) });
  }

  /**
   * Starts the parts (after the starter was told); requests waiting at the socket are answered
   * from here on. A part that fails to start stops this controller (exit 1) and ends a session it built.
   */
  async startParts(): Promise<boolean> {
    const p = this.o.paths;
    try {
      // Loaded here, not at the process start: the parts are most of the controller's code.
      this.parts = new Parts(this.o.parts ?? (await import('./parts/index.js')).controllerParts(), (l) => this.log(l));
      await this.parts.start({
        paths: p, layout: this.layout, tmux: this.o.tmux, journal: this.journal, env: this.o.env, snapshot: this.snapshot, built: this.built,
        commands: this.commands, log: (l) => this.log(l), saveSnapshot: () => this.saveSnapshot(),
        sweepNow: () => void this.sweeper?.tick(), supervised: this.o.supervised ?? this.o.env.MIYABI_SUPERVISED === '1',
        // EX_TEMPFAIL: the supervisor starts a new controller at once (controller/supervisor.ts).
        restart: (reason) => void this.stop({ killSession: false, reason, exitCode: 75 }),
      }, (name) => this.startup.mark(`part:${name}`));
      this.ready.resolve(handlerTable(this.parts.answers(coreHandlers(this))));
    } catch (e) {
      this.ready.reject(e);
      this.log(`start failed: ${String(e)}`);
      await this.failedStart(e);
      await this.stop({ killSession: false, reason: `a part failed to start: ${String(e)}`, exitCode: 1 });
      return false;
    }
    this.startup.mark('parts');
    this.journal.appendDurable('controller.started', { pid: process.pid, session: this.sessionName, startupMs: this.startup.ms });
    this.saveSnapshot();
    this.log(`controller ${process.pid} serving ${p.socket} for session ${this.sessionName}`);
    return true;
  }

  /**
   * Opens the control client, then tells the parts the panes and starts the sweep; off the
   * start-up path, since `up` need not wait. Parts see panes only once their output is watched.
   */
  async watch(panes: PaneInfo[]): Promise<void> {
    const watch: ControlWatch = new ControlWatch({
      tmux: this.o.tmux, session: this.sessionName, journal: this.journal, log: (l) => this.log(l), stopping: () => this.stopping !== undefined,
      onOutput: (id, data) => this.parts.onOutput(id, data),
      onGone: async () => {
        if (this.stopping) return;
        this.journal.appendDurable('session.ended', { session: this.sessionName, by: 'outside miyabi' });
        // The recovery ladder builds it again (L2); the control client then attaches to the new one.
        if (await this.parts.sessionGone('the session ended (kill-session, or the tmux server went away)')) {
          setImmediate(() => void watch.attach());
          return;
        }
        await this.stop({ killSession: false, reason: 'session ended' });
      },
    });
    await watch.attach();
    if (this.stopping) return;
    this.parts.onPanes(panes);
    this.sweeper = new PaneSweeper(this.o.tmux, this.sessionName, panes, this.journal, this.o.sweepMs ?? 500, (all) => this.parts.onPanes(all));
    this.sweeper.start();
  }

  async status(known?: PaneInfo[]): Promise<StatusResult> {
    const { root, socket: ipcPath } = this.o.paths;
    const f = { session: this.sessionName, tmuxSocket: this.o.tmux.socketName, root, layout: this.layout.source, startedAt: this.startedAt, ipcPath, commands: this.commands, journal: this.journalHealth() };
    return statusOf(f, known ?? (await this.o.tmux.listPanes(this.sessionName)));
  }

  journalHealth(): JournalHealth {
    return this.journal.health();
  }

  private saveSnapshot(): void {
    // The snapshot names the last seq on disk; while records wait in memory it would name one that is not.
    if (this.journal.health().state !== 'ok') return;
    const snap: Snapshot = { lastSeq: this.journal.lastSeq, session: this.sessionName, layout: this.layout.source, commands: this.commands, ...this.parts.snapshot() };
    writeSnapshot(this.o.paths.dir, snap);
  }

  stop(opts: { killSession: boolean; reason: string; exitCode?: number }): Promise<void> {
    return (this.stopping ??= this.doStop(opts));
  }

  /**
   * Each step on its own: one that fails (a journal that refuses writes, a tmux that does not
   * answer) is logged and the rest still run, so the lock is always released and the process
   * always told it may exit.
   */
  private async doStop(opts: { killSession: boolean; reason: string; exitCode?: number }): Promise<void> {
    const journal = this.journal as Journal | undefined; // start() may have failed before opening it
    const step = stopSteps((l) => this.log(l));
    await step('journal', () => journal?.appendDurable('controller.stopping', { reason: opts.reason, killSession: opts.killSession }));
    await step('sweep', () => this.sweeper?.stop());
    // In reverse order: runs stop (journaled interrupted, the next controller resumes them) before the bus.
    await this.parts.stop(opts.reason, step);
    if (opts.killSession) {
      // One tmux command, not has-session first, and through the control client (the adapter's
      // killSession): a tmux process started for it was the bulk of `down` after tmux's own work.
      await step('kill-session', async () => {
        if ((await this.o.tmux.killSession(this.sessionName)) !== false) journal?.append('session.killed', { session: this.sessionName });
      });
    }
    await step('control client', () => this.o.tmux.close());
    await step('ipc', () => this.ipc?.server.close());
    await step('socket', () => this.ipc?.unlinkIfOurs());
    if (journal) {
      await step('snapshot', () => this.saveSnapshot());
      await step('journal', () => journal.appendDurable('controller.stopped', { reason: opts.reason }));
      await step('journal close', () => journal.close());
    }
    await step('lock', () => this.lock?.release());
    this.log(`controller ${process.pid} stopped: ${opts.reason}`);
    this.o.onStopped?.(opts.exitCode ?? 0);
  }
}

