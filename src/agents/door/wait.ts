/**
 * Waiting inside the pipelines' agent door (door.ts) without polling: every change the
 * door waits for (a task ending, an agent going idle, an agent spawned or killed) is a journal
 * record, so a wait is a journal listener plus the request's abort signal.
 */
import type { JournalRecord } from '../../core/journal.js';
import type { Task } from '../tasks/index.js';
import { ActionError, isRunInterrupted } from '../../pipelines/action-error.js';

export interface AppendSource {
  onAppend(listener: (record: JournalRecord) => void): () => void;
}

export type TaskEndState = 'done' | 'failed' | 'timed-out' | 'cancelled';

export interface TaskEnd {
  id: string;
  state: TaskEndState;
  assignee: string | null;
  reason: string | null;
  /** The wait was given up because the signal aborted (the task was then cancelled if still open). */
  aborted: boolean;
}

export const ENDS: Readonly<Record<string, TaskEndState>> = {
  'task.done': 'done',
  'task.failed': 'failed',
  'task.timed-out': 'timed-out',
  'task.cancelled': 'cancelled',
};

/**
 * Resolves when task `id` ends, or when `signal` aborts (then `cancel` runs first, so the queue
 * never keeps a task nobody waits for). The record is read as it is appended: TasksHost applies
 * it to the queue only after the append, so the queue may not show the end yet.
 */
export function taskEnd(journal: AppendSource, get: (id: string) => Task | undefined, id: string, signal: AbortSignal, cancel: () => void): Promise<TaskEnd> {
  return new Promise((resolve) => {
    let settled = false;
    let off = (): void => undefined;
    const finish = (end: TaskEnd): void => {
      if (settled) return;
      settled = true;
      off();
      signal.removeEventListener('abort', onAbort);
      resolve(end);
    };
    const onAbort = (): void => {
      // Stop listening first: the cancel's own task.cancelled record is ours, not an outside end.
      off();
      const open = get(id);
      // A run interrupted by its host stopping leaves the task to the agent: the resumed run follows it again.
      if (open && !isEnd(open.state) && !isRunInterrupted(signal.reason)) {
        try {
          cancel();
        } catch {
          // it ended in between: the abort still wins, the caller reports the cancellation
        }
      }
      finish({ id, state: 'cancelled', assignee: open?.assignee ?? null, reason: String(signal.reason ?? 'cancelled'), aborted: true });
    };
    off = journal.onAppend((r) => {
      const state = ENDS[r.type];
      const p = r.payload as { id?: unknown; reason?: unknown };
      if (state === undefined || p.id !== id) return;
      finish({ id, state, assignee: get(id)?.assignee ?? null, reason: typeof p.reason === 'string' ? p.reason : null, aborted: false });
    });
    const now = get(id);
    if (now && isEnd(now.state)) return finish({ id, state: now.state as TaskEndState, assignee: now.assignee, reason: now.reason, aborted: false });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A task in one of these states is over (the states the ENDS records lead to). */
export function isEnd(state: string): boolean {
  return Object.values(ENDS).includes(state as TaskEndState);
}

export interface WaitOptions<T> {
  journal: AppendSource;
  signal: AbortSignal;
  /** Record types after which `probe` is tried again. */
  wakesOn: (type: string) => boolean;
  /** Changes that are not journaled (a reservation let go) wake the wait through this. */
  changed: EventTarget;
  probe: () => Promise<T | undefined>;
  /** The error to throw when the signal aborts before `probe` found anything. */
  gaveUp: () => Promise<Error>;
}

/** Tries `probe` now and after each waking record, until it finds something or the signal aborts. */
export async function waitFor<T>(o: WaitOptions<T>): Promise<T> {
  let dirty = false;
  let wake: (() => void) | null = null;
  const poke = (): void => {
    dirty = true;
    wake?.();
  };
  const off = o.journal.onAppend((r) => {
    if (o.wakesOn(r.type)) poke();
  });
  o.changed.addEventListener('change', poke);
  try {
    for (;;) {
      if (o.signal.aborted) throw await o.gaveUp();
      dirty = false;
      const found = await o.probe();
      if (found !== undefined) return found;
      // A record that came while probing (the probe awaits tmux) means: look again at once.
      if (dirty) continue;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          o.signal.removeEventListener('abort', done);
          wake = null;
          resolve();
        };
        // An abort during the probe has fired already: listening for it now would wait forever.
        if (o.signal.aborted) return resolve();
        wake = done;
        o.signal.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    off();
    o.changed.removeEventListener('change', poke);
  }
}

/** The end of task `id` in the queue `d` (TasksHost); an aborted signal cancels the task. */
export function followTask(
  d: { journal: AppendSource; tasks: { cancel(id: string, reason?: string): unknown; readonly queue: { get(id: string): Task | undefined } } },
  id: string,
  signal: AbortSignal,
): Promise<TaskEnd> {
  return taskEnd(d.journal, (t) => d.tasks.queue.get(t), id, signal, () => d.tasks.cancel(id, 'cancelled: the pipeline stage waiting for it stopped'));
}

/** A task's end as the action's result, or the ActionError saying how it ended. */
export function taskResult(end: TaskEnd): string {
  const who = end.assignee ? ` (agent ${end.assignee})` : '';
  const why = end.reason ? `: ${end.reason}` : '';
  switch (end.state) {
    case 'done':
      return JSON.stringify({ task: end.id, agent: end.assignee, state: 'done' });
    case 'failed':
      throw new ActionError(`task ${end.id} failed${who}${why}`);
    case 'timed-out':
      throw new ActionError(`task ${end.id} timed out${who}${why}`);
    case 'cancelled':
      throw new ActionError(
        end.aborted ? `task ${end.id} cancelled in the queue${who}: ${end.reason ?? 'the stage was stopped'}` : `task ${end.id} was cancelled outside the run${who}${why}`,
        { permanent: !end.aborted },
      );
  }
}
