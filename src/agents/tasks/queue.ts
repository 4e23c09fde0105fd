/**
 * The task queue as a fold of journal records. `foldTasks(records)` rebuilds it; `apply(record)` is
 * the fold's one step (the only mutation). The command methods (`add`, `assign`, `start`, `done`,
 * `fail`, `timeOut`, `cancel`) are pure: they check the transition against the current queue and
 * return the record to append, never writing anything. The controller appends it to the journal,
 * then applies the appended record, so the live queue and a replay see the very same records.
 *
 * The fold never throws: a record that does not fit (unknown task, wrong state, bad payload) is
 * skipped and noted in `ignored`, so one odd record cannot stop a restart.
 */
import { MiyabiError } from '../../core/errors.js';
import { nameProblem } from '../../core/names.js';
import { nextTaskId } from './ids.js';
import {
  ACTIVE_STATES, PRIORITY_RANK, TASK_PAYLOADS, type Task, type TaskEvent, type TaskEventType,
  type TaskInput, type TaskRecordLike, type TaskState,
} from './types.js';

/** Which states each record moves a task out of (task.added creates it). */
const FROM: Readonly<Record<Exclude<TaskEventType, 'task.added'>, readonly TaskState[]>> = {
  'task.assigned': ['queued'],
  'task.started': ['assigned'],
  'task.done': ['assigned', 'started'],
  'task.failed': ['assigned', 'started'],
  'task.timed-out': ['assigned', 'started'],
  'task.cancelled': ['queued', 'assigned', 'started'],
};
const TO: Readonly<Record<Exclude<TaskEventType, 'task.added'>, TaskState>> = {
  'task.assigned': 'assigned',
  'task.started': 'started',
  'task.done': 'done',
  'task.failed': 'failed',
  'task.timed-out': 'timed-out',
  'task.cancelled': 'cancelled',
};
const MAX_IGNORED = 100;

export interface TaskQueueSnapshot {
  version: 1;
  lastId: string | null;
  lastSeq: number;
  tasks: Task[];
}

function copy(t: Task): Task {
  return { ...t, labels: [...t.labels] };
}

/** Queue order: priority, then age (ids sort by time). */
export function compareQueued(a: Task, b: Task): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export class TaskQueue {
  private readonly tasks = new Map<string, Task>();
  private _lastId: string | null = null;
  private _lastSeq = 0;
  private readonly _ignored: string[] = [];

  static fromSnapshot(s: TaskQueueSnapshot): TaskQueue {
    if (s.version !== 1) throw new MiyabiError('SNAPSHOT_CORRUPT', `task queue snapshot version ${String(s.version)} is not 1`);
    const q = new TaskQueue();
    for (const t of [...s.tasks].sort((a, b) => (a.id < b.id ? -1 : 1))) q.tasks.set(t.id, copy(t));
    q._lastId = s.lastId;
    q._lastSeq = s.lastSeq;
    return q;
  }

  snapshot(): TaskQueueSnapshot {
    return { version: 1, lastId: this._lastId, lastSeq: this._lastSeq, tasks: this.list() };
  }

  /** The newest task id seen; new ids come after it. */
  get lastId(): string | null { return this._lastId; }
  /** The highest journal seq applied (0 when records carried none). */
  get lastSeq(): number { return this._lastSeq; }
  /** Records the fold skipped, newest last (at most 100), e.g. `task.done t…-0001: task is queued`. */
  get ignored(): readonly string[] { return this._ignored; }

  get(id: string): Task | undefined {
    const t = this.tasks.get(id);
    return t === undefined ? undefined : copy(t);
  }

  /** Every task, oldest first. */
  list(): Task[] {
    return [...this.tasks.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(copy);
  }

  /** Tasks waiting for an agent, in the order the router hands them out. */
  queued(): Task[] {
    return [...this.tasks.values()].filter((t) => t.state === 'queued').sort(compareQueued).map(copy);
  }

  /** The task an agent holds (assigned or started), if any. */
  activeFor(agent: string): Task | undefined {
    for (const t of this.tasks.values()) if (t.assignee === agent && ACTIVE_STATES.has(t.state)) return copy(t);
    return undefined;
  }

  /** Agents holding a task (assigned or started). */
  busyAgents(): Set<string> {
    const s = new Set<string>();
    for (const t of this.tasks.values()) if (t.assignee !== null && ACTIVE_STATES.has(t.state)) s.add(t.assignee);
    return s;
  }

  /** One fold step. Returns false when the record was not a task record or was skipped. */
  apply(record: TaskRecordLike): boolean {
    if (!Object.hasOwn(TASK_PAYLOADS, record.type)) return false;
    if (record.seq !== undefined) {
      if (record.seq <= this._lastSeq) return false; // already in (snapshot + journal)
      this._lastSeq = record.seq;
    }
    const type = record.type as TaskEventType;
    const parsed = TASK_PAYLOADS[type].safeParse(record.payload);
    if (!parsed.success) return this.skip(type, '?', `bad payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const p = parsed.data as Record<string, unknown> & { id: string };
    const ts = record.ts ?? 0;
    if (type === 'task.added') {
      if (this.tasks.has(p.id)) return this.skip(type, p.id, 'id already used');
      const added = parsed.data as Extract<TaskEvent, { type: 'task.added' }>['payload'];
      this.tasks.set(p.id, {
        id: p.id, text: added.text, agent: added.agent ?? null, priority: added.priority, labels: [...added.labels],
        timeoutMs: added.timeoutMs, state: 'queued', assignee: null, branch: null, worktree: null,
        addedAt: ts, assignedAt: null, startedAt: null, endedAt: null, reason: null,
      });
      if (this._lastId === null || p.id > this._lastId) this._lastId = p.id;
      return true;
    }
    const t = this.tasks.get(p.id);
    if (t === undefined) return this.skip(type, p.id, 'no such task');
    if (!FROM[type].includes(t.state)) return this.skip(type, p.id, `task is ${t.state}`);
    t.state = TO[type];
    if (type === 'task.assigned') {
      t.assignee = p.agent as string;
      t.branch = (p.branch as string | null | undefined) ?? null;
      t.worktree = (p.worktree as string | null | undefined) ?? null;
      t.assignedAt = ts;
    } else if (type === 'task.started') {
      t.startedAt = ts;
    } else {
      t.endedAt = ts;
      t.reason = (p.reason as string | undefined) ?? null;
    }
    return true;
  }

  private skip(type: string, id: string, why: string): false {
    this._ignored.push(`${type} ${id}: ${why}`);
    if (this._ignored.length > MAX_IGNORED) this._ignored.shift();
    return false;
  }

  // ---- pure commands: each returns the record to append ----

  add(input: TaskInput, now: number): TaskEvent {
    const id = nextTaskId(this._lastId, now);
    return {
      type: 'task.added',
      payload: {
        id, text: input.text, ...(input.agent !== null ? { agent: input.agent } : {}),
        priority: input.priority, labels: [...input.labels], timeoutMs: input.timeoutMs,
      },
    };
  }

  /** `where`: the branch and worktree the task runs in, recorded with it. */
  assign(id: string, agent: string, where: { branch?: string | null; worktree?: string | null } = {}): TaskEvent {
    const problem = nameProblem(agent);
    if (problem !== null) throw new MiyabiError('NAME', `assign: agent ${JSON.stringify(agent)} ${problem}`);
    this.check(id, 'task.assigned');
    const held = this.activeFor(agent);
    if (held !== undefined) {
      throw new MiyabiError('USAGE', `assign: agent ${agent} already has task ${held.id} (${held.state})`, {
        hint: 'an agent takes one task at a time; wait for it to finish or cancel it',
      });
    }
    const payload: { id: string; agent: string; branch?: string; worktree?: string } = { id, agent };
    if (where.branch != null) payload.branch = where.branch;
    if (where.worktree != null) payload.worktree = where.worktree;
    return { type: 'task.assigned', payload };
  }

  start(id: string): TaskEvent {
    this.check(id, 'task.started');
    return { type: 'task.started', payload: { id } };
  }

  done(id: string): TaskEvent {
    this.check(id, 'task.done');
    return { type: 'task.done', payload: { id } };
  }

  fail(id: string, reason: string): TaskEvent {
    this.check(id, 'task.failed');
    return { type: 'task.failed', payload: { id, reason: reason.slice(0, 4096) } };
  }

  timeOut(id: string, reason?: string): TaskEvent {
    const t = this.check(id, 'task.timed-out');
    const why = reason ?? (t.timeoutMs !== null ? `no done signal within ${t.timeoutMs} ms` : 'timed out');
    return { type: 'task.timed-out', payload: { id, reason: why.slice(0, 4096) } };
  }

  cancel(id: string, reason?: string): TaskEvent {
    this.check(id, 'task.cancelled');
    return { type: 'task.cancelled', payload: reason === undefined ? { id } : { id, reason: reason.slice(0, 4096) } };
  }

  private check(id: string, type: Exclude<TaskEventType, 'task.added'>): Task {
    const t = this.tasks.get(id);
    if (t === undefined) throw new MiyabiError('NOT_FOUND', `no task ${JSON.stringify(id)}`, { hint: 'miyabi task list shows the tasks' });
    if (!FROM[type].includes(t.state)) {
      const verb = type.slice('task.'.length);
      throw new MiyabiError('USAGE', `task ${id} is ${t.state}: only a task that is ${FROM[type].join(' or ')} can be ${verb}`, {
        detail: { id, state: t.state },
      });
    }
    return t;
  }
}

/** The queue the records describe. Same records, same queue; `base` continues a snapshot. */
export function foldTasks(records: Iterable<TaskRecordLike>, base?: TaskQueueSnapshot): TaskQueue {
  const q = base === undefined ? new TaskQueue() : TaskQueue.fromSnapshot(base);
  for (const r of records) q.apply(r);
  return q;
}
