/**
 * The pipelines' door to agents inside the controller (pipelines/agent-port.ts): agent tasks go
 * through the controller's task queue and the agent built-ins work on its panes, worktrees and bus.
 * Decisions (each fails with an ActionError that says why; nothing ever pretends to have worked):
 *
 * - `task(text)`: a task in the queue, labelled `pipeline`, its text headed with the pipeline, run,
 *   stage (and the run's worktree). Pinned to the run's agent once assign-agent chose one, else the
 *   router picks an idle agent. Resolves when it ends `done` (`miyabi done`) with
 *   `{"task","agent","state":"done"}`; `failed` and `timed-out` reject (retryable: a new try is a new
 *   task); cancelled from outside rejects permanently; an aborted request cancels the task first.
 *   Waiting is a journal listener (task.* records), never a poll.
 * - The built-ins keep a little memory per run (worktree, agent, pane, task): a stage gets only the
 *   inputs it names, and the seed's `execute` stage names none. The memory is journaled as
 *   `pipeline.*` records carrying `runId`, and read back from the journal (when `replay` is given)
 *   for a run this controller has not seen, e.g. one resumed after a restart. Details of each
 *   built-in: pipeline-agent-builtins.ts.
 * - An agent chosen for a run is reserved for it, so two runs never pick the same pane, until the
 *   run's started task ends or `forgetRun(runId)` (call it when a run ends). The task router does
 *   not know reservations; start-in-pane follows a task the router handed the agent meanwhile.
 */
import type { RawTaskInput, Task, TaskQueue } from '../agents/tasks/index.js';
import { isMiyabiError } from '../core/errors.js';
import type { EventSink } from '../core/events/index.js';
import type { JournalRecord } from '../core/journal.js';
import { acquireWorktree } from '../git/pool.js';
import { ownedWorktrees, type WorktreeSettings } from '../git/worktrees.js';
import { ActionError, errorText } from '../pipelines/action-error.js';
import type { AgentBuiltin, AgentPort, AgentRequest } from '../pipelines/agent-port.js';
import { assignAgent, createWorktree, getAvailablePane, notifyAgent, relayMessages, startInPane, type Builtin } from './pipeline-agent-builtins.js';
import { reportProgress } from './pipeline-agent-progress.js';
import { assessDamage, restoreAgent, type Damage } from './pipeline-agent-recovery.js';
import { ENDS, followTask, isEnd, taskResult, type AppendSource } from './pipeline-agent-wait.js';

/** An agent pane as AgentsHost.list() gives it. */
export interface AgentView {
  name: string;
  paneId: string;
  alive: boolean;
}

export interface PipelineAgentDeps {
  /** The controller's journal: records are written to it and waits listen to it. */
  journal: AppendSource & EventSink & {
    /** For runs this door has not seen (resumed after a restart); optional. */
    replay?(afterSeq?: number): Iterable<JournalRecord>;
  };
  /** TasksHost fits. */
  tasks: {
    add(raw: RawTaskInput): Task;
    cancel(id: string, reason?: string): Task;
    assign(agent: string, id: string): Task;
    readonly queue: Pick<TaskQueue, 'get' | 'queued' | 'activeFor' | 'busyAgents'>;
  };
  /** AgentsHost fits. */
  agents: { list(): Promise<AgentView[]> };
  /** The detected state of an agent (AgentStates.get); undefined before the first sweep saw it. */
  stateOf(name: string): { state: string; reason?: string } | undefined;
  /** The bus folder (Messaging.busDir), null while the bus is not up. */
  busDir(): string | null;
  /** tmux respawn-pane of an agent's pane (kill: -k, for a pane whose process still runs). */
  respawn(paneId: string, o: { kill: boolean }): Promise<void>;
  /** A worktree for a run, made or taken from the pool (see gitWorktrees). */
  worktree(name: string, task: string): Promise<{ path: string; branch: string | null; reused: boolean }>;
  /** Wakes the deliverer for every inbox (Messaging.kickAll); relay-messages calls it. */
  kickBus?(): void;
}

export interface RunMemo {
  worktree?: { path: string; branch: string | null };
  agent?: string;
  paneId?: string;
  task?: string;
  /** The task an `agent:` action of each stage queued: a resumed stage follows it, never queues it twice. */
  stageTasks?: Record<string, string>;
  /** The agent reserved for this run, while it is. */
  holds?: string;
  damaged?: Damage[];
}

const MAX_RUNS = 256;

/** What the door remembers of each run. */
export class RunMemory {
  private readonly memos = new Map<string, RunMemo>();
  /** Fires 'change' when a reservation is let go: a wait for an idle agent looks again. */
  readonly changed = new EventTarget();

  constructor(private readonly replay?: (afterSeq?: number) => Iterable<JournalRecord>) {}

  get(runId: string): RunMemo {
    let m = this.memos.get(runId);
    if (!m) {
      m = {};
      this.memos.set(runId, m);
      // Forgotten runs leak nothing when the host never calls forgetRun: the oldest go first.
      if (this.memos.size > MAX_RUNS) this.forget(this.memos.keys().next().value!);
    }
    return m;
  }

  /** Runs begun by an earlier controller and taken over by this one, with the seq of their first record. */
  private readonly adopted = new Map<string, number>();

  adopt(runId: string, startSeq: number): void {
    this.adopted.set(runId, startSeq);
  }

  /** The run's memory, read back from the journal for a run an earlier controller began. */
  recall(runId: string): RunMemo {
    const from = this.adopted.get(runId);
    if (this.memos.has(runId) || !this.replay || from === undefined) return this.get(runId);
    const m = this.get(runId);
    const ended = new Set<string>();
    for (const r of this.replay(Math.max(0, from - 1))) {
      const p = r.payload as Record<string, unknown> | null;
      if (ENDS[r.type] !== undefined && typeof p?.['id'] === 'string') ended.add(p['id']);
      if (!r.type.startsWith('pipeline.') || p?.['runId'] !== runId) continue;
      const s = (k: string): string | undefined => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
      if (r.type === 'pipeline.worktree' && s('path')) m.worktree = { path: s('path')!, branch: s('branch') ?? null };
      if (r.type === 'pipeline.assigned') Object.assign(m, { agent: s('agent'), paneId: s('paneId') });
      if (r.type === 'pipeline.started') m.task = s('task');
      if (r.type === 'pipeline.task' && s('stage') && s('task')) m.stageTasks = { ...m.stageTasks, [s('stage')!]: s('task')! };
    }
    // The agent stays this run's while the work it was given (or is about to be) is not over.
    if (m.agent && !(m.task && ended.has(m.task))) m.holds = m.agent;
    return m;
  }

  /** The run holding `agent`, other than `runId`. */
  heldBy(agent: string, runId?: string): string | undefined {
    for (const [id, m] of this.memos) if (id !== runId && m.holds === agent) return id;
    return undefined;
  }

  release(runId: string): void {
    const m = this.memos.get(runId);
    if (m?.holds === undefined) return;
    m.holds = undefined;
    this.changed.dispatchEvent(new Event('change'));
  }

  forget(runId: string): void {
    this.release(runId);
    this.memos.delete(runId);
    this.adopted.delete(runId);
  }
}

export interface ControllerAgentPort extends AgentPort {
  /** Lets go of a finished run: its agent reservation and its memory. */
  forgetRun(runId: string): void;
  /** A run an earlier controller began, from journal seq `startSeq`: its memory is read back from there. */
  adoptRun(runId: string, startSeq: number): void;
}

export interface DoorContext {
  d: PipelineAgentDeps;
  runs: RunMemory;
}

const BUILTINS: Readonly<Record<AgentBuiltin, Builtin>> = {
  'create-worktree': createWorktree,
  'get-available-pane': getAvailablePane,
  'assign-agent': assignAgent,
  'notify-agent': notifyAgent,
  'start-in-pane': startInPane,
  'report-progress': reportProgress,
  'relay-messages': relayMessages,
  'assess-damage': assessDamage,
  'restore-agent': restoreAgent,
};

export function controllerAgentPort(d: PipelineAgentDeps): ControllerAgentPort {
  const runs = new RunMemory(d.journal.replay ? (s) => d.journal.replay!(s) : undefined);
  const ctx: DoorContext = { d, runs };
  return {
    builtin: (name: AgentBuiltin, request: AgentRequest) => BUILTINS[name](ctx, request),
    task: (text, request) => agentTask(ctx, text, request),
    forgetRun: (runId) => runs.forget(runId),
    adoptRun: (runId, startSeq) => runs.adopt(runId, startSeq),
  };
}

async function agentTask({ d, runs }: DoorContext, text: string, r: AgentRequest): Promise<string> {
  if (r.signal.aborted) throw new ActionError(`cancelled before the task was queued: ${String(r.signal.reason)}`);
  // The header below would make an empty task look like one: refuse it as the queue would.
  if (text.trim() === '') throw new ActionError('an agent task needs text saying what the agent should do', { permanent: true });
  const memo = runs.recall(r.runId);
  // A resumed stage (the controller stopped while the agent worked) follows the task it queued before.
  const earlier = memo.stageTasks?.[r.stage];
  const open = earlier === undefined ? undefined : d.tasks.queue.get(earlier);
  if (open && !isEnd(open.state)) return taskResult(await followTask(d, open.id, r.signal));
  const where = memo.worktree ? `, worktree ${memo.worktree.path}` : '';
  let task: Task;
  try {
    task = d.tasks.add({
      text: `[pipeline ${r.pipeline} run ${r.runId}, stage ${r.stage}${where}]\n${text}`,
      labels: ['pipeline'],
      ...(memo.agent ? { agent: memo.agent } : {}),
    });
  } catch (e) {
    throw new ActionError(`could not queue the agent task: ${errorText(e)}`, { permanent: true, cause: e });
  }
  memo.stageTasks = { ...memo.stageTasks, [r.stage]: task.id };
  d.journal.append('pipeline.task', { runId: r.runId, stage: r.stage, task: task.id, agent: memo.agent ?? null });
  return taskResult(await followTask(d, task.id, r.signal));
}

/** The worktree port over src/git: one per run, from the pool when it has one. */
export function gitWorktrees(repo: string, settings: WorktreeSettings): PipelineAgentDeps['worktree'] {
  return async (name, task) => {
    try {
      const w = await acquireWorktree({ repo, name, task, ...settings });
      return { path: w.path, branch: w.branch, reused: false };
    } catch (e) {
      // Made by an earlier try of this run, or before a controller restart: it is the run's own.
      if (isMiyabiError(e) && e.detail?.['kind'] === 'WORKTREE_EXISTS') {
        const rec = (await ownedWorktrees(repo)).find((w) => w.name === name);
        if (rec) return { path: rec.path, branch: rec.branch, reused: true };
      }
      throw e;
    }
  };
}
