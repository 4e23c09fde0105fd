import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLayout } from '../config/load-layout.js';
import type { Layout } from '../config/layout-types.js';
import { Journal } from '../core/journal.js';
import type { ProjectPaths } from '../core/paths.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { readSnapshot, writeSnapshot } from '../core/snapshot.js';
import { ensureExcluded } from '../git/exclude.js';
import type { StatusResult } from '../ipc/protocol.js';
import { statusOf } from './status.js';
import { IpcServer } from '../ipc/server.js';
import type { PaneInfo, TmuxEvent, TmuxPort } from '../tmux/port.js';
import { handlers } from './handlers/index.js';
import { listenIpc, type BoundSocket } from './ipc-listen.js';
import { paneCommandText } from './layout-spec.js';
import { checkStateProfiles, withAgentHooks } from './agent-hooks.js';
import { withWorktrees, worktreeSettings } from './layout-worktrees.js';
import { fillPool } from '../git/pool.js';
import { openSession } from './open-session.js';
import { miyabiBinDir, writeMiyabiShim } from './miyabi-shim.js';
import { acquireLock } from '../core/instance-lock.js';
import type { TaskQueueSnapshot } from '../agents/tasks/index.js';
import { AgentsHost, type SpawnedAgent } from './agents.js';
import type { AgentStates } from './agent-states.js';
import { wireAgents } from './wire-agents.js';
import { TasksHost } from './tasks-host.js';
import { inflightIds, Messaging } from './messaging.js';
import { PaneSweeper } from './sweep.js';
import type { RunsHost } from '../pipelines/runs-host.js';
import { wireRuns } from './wire-runs.js';
import type { ControllerAgentPort } from './pipeline-agents.js';

export interface ControllerOptions {
  paths: ProjectPaths;
  tmux: TmuxPort;
  layoutRef?: string;
  miyabiBin: string;
  env: NodeJS.ProcessEnv;
  sweepMs?: number;
  /** Called once the controller has fully stopped (the daemon exits there). */
  onStopped?: (code: number) => void;
}

interface Snapshot {
  lastSeq: number;
  session: string;
  layout: string;
  commands: Record<string, string>;
  /** Messages in flight when the snapshot was taken (id, pane line where typing began). */
  inflight?: [string, number | null][];
  /** Agents spawned after `up`. */
  agents?: SpawnedAgent[];
  tasks?: TaskQueueSnapshot;
}

/** The bus survives without a snapshot; these are the fields older snapshots may lack. */
type SnapshotOnDisk = Partial<Snapshot> & { lastSeq: number };

/**
 * Owns one project's tmux session. The single writer of the journal and the snapshot; every
 * client (CLI verbs, dashboard, conductor) reaches it over IPC.
 */
export class Controller {
  readonly startedAt = Date.now();
  private journal!: Journal;
  private lock?: { release: () => void };
  private ipc?: BoundSocket;
  private layout!: Layout;
  private commands: Record<string, string> = {};
  private sweeper?: PaneSweeper;
  private snapshot: SnapshotOnDisk | null = null;
  messaging?: Messaging;
  agents?: AgentsHost;
  tasks?: TasksHost;
  states?: AgentStates;
  /** Pipeline runs, hosted here and journaled in the one journal. */
  runs?: RunsHost;
  /** The agents' door for pipeline actions (set by wiring; absent, agent actions fail clearly). */
  agentPort?: ControllerAgentPort;
  private inflight = new Map<string, number | null>();
  private stopping?: Promise<void>;

  constructor(private readonly o: ControllerOptions) {}

  get projectRoot(): string {
    return this.o.paths.root;
  }

  get sessionName(): string {
    return this.layout.session;
  }

  log(line: string): void {
    try {
      appendFileSync(this.o.paths.controllerLog, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // the log is best effort; the journal is the record
    }
  }

  /** Milliseconds since process start at each step of start(), journaled for `doctor` and the bench. */
  readonly startup: Record<string, number> = {};
  private mark(step: string): void {
    this.startup[step] = Math.round(performance.now() * 10) / 10;
  }

  /**
   * Builds or adopts the session and starts serving IPC; resolves with the panes. Watching the
   * panes (control client, sweep) starts in `watch()`, after the starter has been told.
   */
  async start(): Promise<PaneInfo[]> {
    const p = this.o.paths;
    this.mark('imported');
    const version = this.o.tmux.version();
    version.catch(() => undefined);
    // Check the layout and tmux before touching anything: a bad layout creates nothing.
    const loaded = loadLayout({ ref: this.o.layoutRef, projectRoot: p.root, miyabiBin: this.o.miyabiBin, env: this.o.env });
    if (!loaded.ok) throw loaded.error;
    this.layout = loaded.value;
    checkStateProfiles(this.layout);
    await version;
    this.mark('checked');
    for (const d of [p.dir, p.run, p.logs, p.journal, p.state, p.launch]) ensurePrivateDir(d);
    ensureExcluded(p.root);
    this.lock = acquireLock(p.lock, p.socket);
    writeMiyabiShim(miyabiBinDir(p), { node: process.execPath, bin: this.o.miyabiBin });
    this.journal = Journal.open(p.dir, { fsync: 'group', groupMs: 50 });
    this.snapshot = readSnapshot(p.dir) as SnapshotOnDisk | null;
    this.mark('journal');
    let panes: PaneInfo[];
    try {
      panes = await this.openSession();
      this.mark('session');
      this.inflight = inflightIds(this.journal.replay(this.snapshot?.lastSeq ?? 0), this.snapshot?.inflight ?? []);
      this.messaging = new Messaging(p, this.layout, this.o.tmux, this.journal, this.inflight);
      ({ agents: this.agents, tasks: this.tasks, states: this.states, agentPort: this.agentPort } = wireAgents({
        paths: p,
        layout: this.layout,
        tmux: this.o.tmux,
        journal: this.journal,
        env: this.o.env,
        commands: this.commands,
        tasksSnapshot: this.snapshot?.tasks,
        messaging: () => this.messaging,
        livePanes: () => this.livePanes,
        saveSnapshot: () => this.saveSnapshot(),
      }));
      this.runs = wireRuns({ root: p.root, journal: this.journal, env: this.o.env, log: (l) => this.log(l), agentPort: () => this.agentPort });
      // Listening only once the session is built: a client that gets an answer finds it.
      const server = new IpcServer(handlers(this), { onError: (e) => this.log(`handler error: ${String(e)}`) });
      server.stream(this.journal);
      if (p.socketRelocated) ensurePrivateDir(p.socket.slice(0, p.socket.lastIndexOf('/')));
      this.ipc = await listenIpc(server, p.socket);
      this.mark('listening');
    } catch (e) {
      this.journal.appendDurable('controller.start-failed', { error: String(e) });
      this.journal.close();
      this.lock?.release();
      throw e;
    }
    writeFileSync(
      p.info,
      JSON.stringify({ pid: process.pid, socket: p.socket, tmuxSocket: this.o.tmux.socketName, session: this.sessionName }),
      { mode: 0o600 },
    );
    this.journal.appendDurable('controller.started', { pid: process.pid, session: this.sessionName, startupMs: this.startup });
    this.saveSnapshot();
    this.log(`controller ${process.pid} serving ${p.socket} for session ${this.sessionName}`);
    return panes;
  }

  /**
   * Opens the control client, then delivery and the sweep; off the start-up path, since `up`
   * need not wait. Delivery starts only once pane output is watched: its checks read it.
   */
  async watch(panes: PaneInfo[]): Promise<void> {
    await this.attach();
    if (this.stopping) return;
    this.messaging?.start(panes);
    this.agents?.restore(this.snapshot?.agents ?? [], panes);
    const pool = this.layout.worktrees?.pool ?? 0;
    if (pool > 0) {
      // Pre-made worktrees make `spawn` fast; filled in the background, off the start-up path.
      void fillPool({ repo: this.o.paths.root, size: pool, ...worktreeSettings(this.layout.worktrees) })
        .then((made) => made.length && this.journal.append('worktree.pool-filled', { made: made.length }))
        .catch((e) => this.log(`worktree pool: ${String(e)}`));
    }
    this.sweeper = new PaneSweeper(this.o.tmux, this.sessionName, panes, this.journal, this.o.sweepMs ?? 500, (all) => {
      this.messaging?.updatePanes(all);
      this.livePanes = all;
      void this.states
        ?.tick(all)
        .catch((e) => this.log(`agent states: ${String(e)}`))
        .then(() => this.tasks?.route());
    });
    this.sweeper.start();
  }

  private attaching = false;
  private livePanes: PaneInfo[] = [];

  /** (Re)attaches the control client while the session lives, backing off up to 5 s between tries. */
  private async attach(): Promise<void> {
    if (this.attaching) return;
    this.attaching = true;
    try {
      for (let wait = 100; !this.stopping; wait = Math.min(wait * 2, 5000)) {
        try {
          await this.o.tmux.attachControl(this.sessionName, (e) => this.onTmuxEvent(e));
          return;
        } catch (e) {
          this.log(`control client: ${String(e)}`);
          if ((await this.sessionState()) === 'gone') return this.sessionGone();
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    } finally {
      this.attaching = false;
    }
  }

  private onTmuxEvent(e: TmuxEvent): void {
    if (e.type === 'output') {
      this.messaging?.onOutput(e.paneId, e.data);
    } else if (e.type === 'exit') {
      // The client is gone: the session ended, or only the client did (killed, detached, a
      // restart that failed). Output stops reaching delivery and logs until it is back.
      void this.sessionState().then((st) => {
        if (st === 'gone') return this.sessionGone();
        this.journal.append('tmux.control-lost', { reason: e.reason });
        return this.attach();
      });
    } else if (e.type === 'window-close' || e.type === 'session-changed') {
      void this.sessionState().then((st) => (st === 'gone' ? this.sessionGone() : undefined));
    } else if (e.type === 'client-restarted') {
      this.journal.append('tmux.control-restarted', { reason: e.reason });
    }
  }

  /** Only a clean "no such session" means gone; a timeout or a busy server is not proof. */
  private async sessionState(): Promise<'alive' | 'gone' | 'unknown'> {
    try {
      return (await this.o.tmux.hasSession(this.sessionName)) ? 'alive' : 'gone';
    } catch {
      return 'unknown';
    }
  }

  private async sessionGone(): Promise<void> {
    if (this.stopping) return;
    // Recovery of a lost session (L2/L3) is the recovery ladder's job; until then, say so and stop.
    this.journal.appendDurable('session.ended', { session: this.sessionName, by: 'outside miyabi' });
    await this.stop({ killSession: false, reason: 'session ended' });
  }

  /** Adopts a live session of this project, or builds one from the layout (open-session.ts). */
  private async openSession(): Promise<PaneInfo[]> {
    const r = await openSession({
      tmux: this.o.tmux,
      layout: this.layout,
      paths: this.o.paths,
      env: this.o.env,
      journal: this.journal,
      commands: this.snapshot?.session === this.sessionName ? (this.snapshot.commands ?? {}) : {},
      prepare: async (layout) =>
        withAgentHooks(await withWorktrees(layout, this.o.paths.root), join(this.o.paths.run, 'hooks'), { node: process.execPath, bin: this.o.miyabiBin }),
    });
    this.commands = r.commands;
    return r.panes;
  }

  async status(known?: PaneInfo[]): Promise<StatusResult> {
    const panes = known ?? (await this.o.tmux.listPanes(this.sessionName));
    return statusOf({
      session: this.sessionName, tmuxSocket: this.o.tmux.socketName, root: this.o.paths.root, layout: this.layout.source,
      startedAt: this.startedAt, ipcPath: this.o.paths.socket, commands: this.commands,
    }, panes);
  }

  private saveSnapshot(): void {
    const snap: Snapshot = {
      lastSeq: this.journal.lastSeq,
      session: this.sessionName,
      layout: this.layout.source,
      commands: this.commands,
      inflight: [...this.inflight],
      agents: [...(this.agents?.spawned.values() ?? [])],
      // Every task record up to the journal's end has been applied: the next fold starts there.
      ...(this.tasks ? { tasks: { ...this.tasks.queue.snapshot(), lastSeq: this.journal.lastSeq } } : {}),
    };
    writeSnapshot(this.o.paths.dir, snap);
  }

  stop(opts: { killSession: boolean; reason: string }): Promise<void> {
    this.stopping ??= this.doStop(opts);
    return this.stopping;
  }

  /**
   * Each step on its own: one that fails (a journal that refuses writes, a tmux that does not
   * answer) is logged and the rest still run, so the lock is always released and the process
   * always told it may exit.
   */
  private async doStop(opts: { killSession: boolean; reason: string }): Promise<void> {
    // start() may have failed before the journal was opened.
    const journal = this.journal as Journal | undefined;
    const step = async (what: string, fn: () => unknown): Promise<void> => {
      try {
        await fn();
      } catch (e) {
        this.log(`stop: ${what} failed: ${String(e)}`);
      }
    };
    await step('journal', () => journal?.appendDurable('controller.stopping', { reason: opts.reason, killSession: opts.killSession }));
    // Runs stop where they are and are journaled interrupted: the next controller resumes them.
    await step('runs', () => this.runs?.stop(`the controller stopped (${opts.reason})`));
    await step('sweep', () => this.sweeper?.stop());
    await step('messaging', () => this.messaging?.close());
    if (opts.killSession) {
      await step('kill-session', async () => {
        if (await this.o.tmux.hasSession(this.sessionName)) {
          await this.o.tmux.killSession(this.sessionName);
          journal?.append('session.killed', { session: this.sessionName });
        }
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
    this.o.onStopped?.(0);
  }
}

