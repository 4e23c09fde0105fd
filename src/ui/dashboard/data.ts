/**
 * What the dashboard knows, kept current from the controller's answers and the event stream:
 * agents (with what the records and the state folder add), runs, tasks, the panels' feed.
 */
import { join } from 'node:path';
import { agentOutputLog, projectPaths, type ProjectPaths } from '../../core/paths.js';
import type { MessageName, ReplyOf, RequestOf } from '../../ipc/messages/index.js';
import type { StatusResult } from '../../ipc/protocol.js';
import { buildRows, emptyMemory, noteEvent, tasksByAgent, type AgentReply, type AgentRow } from './agents.js';
import { emptyFeed, noteFeed } from './feed.js';
import { inboxCounts, lastLine } from './files.js';
import { fileSize } from '../../core/log-tail.js';
import { Activity } from './activity.js';
import { DiffCache } from './diffs.js';
import { UsageFold } from './usage.js';
import type { JournalEvent } from './link.js';
import type { TaskIn } from './panels.js';
import { applyRunEvent, runsFromList, type RunLine, type RunRowIn } from './runs.js';

interface Asker {
  request<K extends MessageName>(type: K, payload?: RequestOf<K>): Promise<ReplyOf<K>>;
}

export class DashboardData {
  readonly mem = emptyMemory();
  readonly feed = emptyFeed();
  status: StatusResult | null = null;
  agents: AgentReply[] = [];
  /** Every row, sorted (the app filters). */
  all: AgentRow[] = [];
  runs: RunLine[] = [];
  runRows: RunRowIn[] = [];
  tasks: TaskIn[] = [];
  readonly activity = new Activity();
  private readonly sparks = new Map<string, string>();
  readonly usage = new UsageFold();
  readonly diffs: DiffCache;
  private filesAt = 0;
  private tasksTimer: NodeJS.Timeout | undefined;

  /** `changed` is called after anything a row or panel shows changed. */
  constructor(private readonly link: Asker, private readonly changed: () => void) {
    this.diffs = new DiffCache((agent, patch) => this.link.request('diff', { agent, patch }), () => {
      this.rebuild();
      this.changed();
    });
  }

  paths(): ProjectPaths | null {
    return this.status ? projectPaths(this.status.root) : null;
  }

  rebuild(): void {
    // Runs per record (up to 100 a second): the figures are looked up, the sparklines were drawn when sampled.
    this.all = buildRows(this.agents, this.status?.panes ?? [], this.mem);
    for (const r of this.all) {
      const u = this.usage.get(r.name);
      r.diff = this.diffs.get(r.name) ?? null;
      r.spark = this.sparks.get(r.name) ?? '';
      r.context = u?.context ?? null;
      r.cost = u?.costUsd ?? null;
    }
  }

  onStatus(st: StatusResult): void {
    this.status = st;
    void this.refreshAgents();
  }

  async refreshAgents(): Promise<void> {
    this.agents = await this.link.request('agents', {}).catch(() => this.agents);
    const p = this.paths();
    // Log tails and Maildir counts: at most once a second, however fast the records come.
    if (p && Date.now() - this.filesAt > 1000) {
      this.filesAt = Date.now();
      for (const a of [...this.agents.map((x) => x.name), ...(this.status?.panes ?? []).map((x) => x.name)]) {
        this.mem.lastLine.set(a, lastLine(agentOutputLog(p.logs, a)));
        this.mem.inbox.set(a, inboxCounts(p.bus, a));
        this.activity.sample(a, fileSize(join(p.logs, `${a}.txt`)));
        this.sparks.set(a, this.activity.spark(a));
      }
    }
    // Agents only (a plain shell pane has no worktree of its own to measure).
    this.diffs.track(this.agents.map((x) => x.name));
    this.rebuild();
    this.changed();
  }

  async refreshRuns(): Promise<void> {
    this.runRows = (await this.link.request('runs.list', { limit: 20 }).catch(() => this.runRows)) as RunRowIn[];
    // The list may be older than the records already heard: those runs stay.
    const listed = runsFromList(this.runRows);
    const heard = this.runs.filter((r) => !listed.some((l) => l.runId === r.runId));
    this.runs = [...listed, ...heard].sort((a, b) => b.startedAt - a.startedAt).slice(0, 10);
    this.changed();
  }

  /** Context and cost as the feedback layer has counted them so far (then kept from usage.recorded). */
  async refreshUsage(): Promise<void> {
    const report = await this.link.request('report', { kind: 'summary' }).catch(() => null);
    if (!report) return;
    this.usage.fromReport(report);
    this.rebuild();
    this.changed();
  }

  async refreshTasks(): Promise<void> {
    this.tasks = (await this.link.request('task.list', {}).catch(() => this.tasks)) as TaskIn[];
    this.mem.tasks = tasksByAgent(this.tasks);
    this.rebuild();
    this.changed();
  }

  onEvent(e: JournalEvent): void {
    noteFeed(this.feed, e);
    const usage = this.usage.onEvent(e);
    if (noteEvent(this.mem, e) || usage) this.rebuild();
    const who = actor(e);
    if (who) this.diffs.touch(who);
    this.runs = applyRunEvent(this.runs, e);
    if (e.type === 'run.finished') void this.refreshRuns();
    if (e.type.startsWith('task.')) {
      this.tasksTimer ??= setTimeout(() => {
        this.tasksTimer = undefined;
        void this.refreshTasks();
      }, 200);
    }
    this.changed();
  }

  stop(): void {
    clearTimeout(this.tasksTimer);
    this.diffs.stop();
  }
}

/** The agent a record says did something that may change its worktree, if any. */
export function actor(e: JournalEvent): string | null {
  if (!/^(agent\.state|task\.|message\.delivered|worktree\.)/.test(e.type)) return null;
  const p = (e.payload ?? {}) as Record<string, unknown>;
  // Going busy changes nothing yet: the files change while it works, and are measured when it stops.
  if (e.type === 'agent.state' && p['state'] === 'busy') return null;
  for (const k of ['name', 'agent', 'to', 'assignee']) if (typeof p[k] === 'string') return p[k];
  return null;
}
