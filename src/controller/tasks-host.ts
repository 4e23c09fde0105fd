import { inboxExists, unknownRecipient } from '../bus/layout.js';
import { writeMessage } from '../bus/writer.js';
import { MiyabiError } from '../core/errors.js';
import { expired, foldTasks, nextAssignments, parseTaskInput, TaskQueue, type RawTaskInput, type RouterAgent, type Task, type TaskEvent, type TaskQueueSnapshot } from '../agents/tasks/index.js';
import type { EventSink } from '../core/events/index.js';
import type { JournalRecord } from '../core/journal.js';

interface Deps {
  journal: EventSink<JournalRecord> & { replay(afterSeq?: number): Iterable<JournalRecord> };
  busDir: () => string | null;
  /** The agents as the router sees them: only 'idle' ones take work. */
  agents: () => Promise<RouterAgent[]>;
  /** Where an agent works (its worktree and branch), recorded with the task. */
  whereIs: (agent: string) => { branch: string | null; worktree: string | null };
}

/**
 * The task queue inside the controller: it lives in the journal (task.* records, folded by
 * agents/tasks), so a restarted controller has the same queue. The router hands the next task to
 * an idle agent as a bus message; `miyabi done` (or a timeout) ends it.
 */
export class TasksHost {
  queue: TaskQueue;
  private routing = false;

  constructor(
    private readonly d: Deps,
    snapshot?: TaskQueueSnapshot,
  ) {
    this.queue = foldTasks(d.journal.replay(snapshot?.lastSeq ?? 0), snapshot);
  }

  private emit(ev: TaskEvent): void {
    this.queue.apply(this.d.journal.append(ev.type, ev.payload));
  }

  add(raw: RawTaskInput): Task {
    const input = parseTaskInput(raw);
    // A task pinned to an agent with no inbox could never be handed over: refused before it is journaled.
    const bus = this.d.busDir();
    if (input.agent !== null && bus !== null && !inboxExists(bus, input.agent)) throw unknownRecipient(bus, input.agent);
    const ev = this.queue.add(input, Date.now());
    this.emit(ev);
    void this.route();
    return this.queue.get((ev.payload as { id: string }).id)!;
  }

  cancel(id: string, reason = 'cancelled with miyabi task cancel'): Task {
    this.emit(this.queue.cancel(id, reason));
    return this.queue.get(id)!;
  }

  /** `miyabi assign`: a task to an agent now, whatever the router would pick. */
  assign(agent: string, id: string): Task {
    this.handOver(id, agent);
    return this.queue.get(id)!;
  }

  /** `miyabi done [TASK] [--fail]` from an agent's pane: its task (or the named one) ends. */
  done(agent: string | undefined, id: string | undefined, failReason?: string): Task {
    const task = id ? this.queue.get(id) : agent ? this.queue.activeFor(agent) : undefined;
    if (!task) {
      throw new MiyabiError('NOT_FOUND', id ? `no task ${id}` : `agent ${agent ?? '?'} has no task in hand`, { hint: 'miyabi task list shows them' });
    }
    this.emit(failReason === undefined ? this.queue.done(task.id) : this.queue.fail(task.id, failReason));
    void this.route();
    return this.queue.get(task.id)!;
  }

  private handOver(id: string, agent: string): void {
    const task = this.queue.get(id);
    if (!task) throw new MiyabiError('NOT_FOUND', `no task ${id}`, { hint: 'miyabi task list shows them' });
    const bus = this.d.busDir();
    if (!bus) throw new MiyabiError('CONTROLLER_START', 'the bus is not up yet');
    // Validate first, journal second: the queue checks the move and the bus refuses an unknown or
    // full inbox before anything is journaled, so a refused hand-over leaves the task queued.
    const assigned = this.queue.assign(id, agent, this.d.whereIs(agent));
    const text = `task ${id}: ${task.text}\n(when it is finished: miyabi done ${id}; if it cannot be done: miyabi done ${id} --fail "why")`;
    writeMessage(bus, { from: 'miyabi', to: agent, text, priority: task.priority });
    this.emit(assigned);
    this.emit(this.queue.start(id));
  }

  /** Timeouts, then free agents get the next tasks. Runs on every tick and after each change. */
  async route(now = Date.now()): Promise<void> {
    if (this.routing) return;
    this.routing = true;
    try {
      for (const t of expired(this.queue, now)) this.emit(this.queue.timeOut(t.id, 'its timeout passed'));
      if (this.queue.queued().length === 0) return;
      for (const a of nextAssignments(this.queue, await this.d.agents(), now)) {
        try {
          this.handOver(a.taskId, a.agent);
        } catch (e) {
          this.d.journal.append('task.handover-failed', { id: a.taskId, agent: a.agent, error: String(e) });
        }
      }
    } finally {
      this.routing = false;
    }
  }
}
