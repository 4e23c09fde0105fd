/**
 * Task queue records and shapes (issue 5, part 5; DESIGN.md "everything is an event in one
 * journal"). The queue has no storage of its own: it is the fold of these journal records
 * (queue.ts), so a restarted controller that replays the journal has the same queue.
 *
 *   queued ──task.assigned──▶ assigned ──task.started──▶ started
 *     │                          │                          │
 *     └──────── task.cancelled ──┴──────────────────────────┤ (any open state)
 *                                │                          │
 *                                └── task.done / task.failed / task.timed-out ──▶ closed
 */
import type { z } from 'zod';
import { TASK_PAYLOADS, TASK_PRIORITIES } from '../../core/events/index.js';

export { TASK_PRIORITIES };
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
/** Lower ranks go first. */
export const PRIORITY_RANK: Readonly<Record<TaskPriority, number>> = { high: 0, normal: 1, low: 2 };

export type TaskState = 'queued' | 'assigned' | 'started' | 'done' | 'failed' | 'timed-out' | 'cancelled';
export const OPEN_STATES: ReadonlySet<TaskState> = new Set(['queued', 'assigned', 'started']);
/** An agent holding a task in one of these states is not free for another. */
export const ACTIVE_STATES: ReadonlySet<TaskState> = new Set(['assigned', 'started']);

export interface Task {
  id: string;
  text: string;
  /** Pinned: only this agent may take it. */
  agent: string | null;
  priority: TaskPriority;
  labels: string[];
  /** Counted from `startedAt`; null = no timeout. */
  timeoutMs: number | null;
  state: TaskState;
  /** The agent it was handed to (null while queued). */
  assignee: string | null;
  branch: string | null;
  worktree: string | null;
  /** Journal record times (ms). */
  addedAt: number;
  assignedAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Why it failed, timed out or was cancelled. */
  reason: string | null;
}

// The schemas live in the event catalogue (core/events/task.ts), beside every other record type.
export { TASK_PAYLOADS };

export type TaskEventType = keyof typeof TASK_PAYLOADS;
export const TASK_EVENT_TYPES = Object.keys(TASK_PAYLOADS) as TaskEventType[];

/** A record to append to the journal: `journal.append(ev.type, ev.payload)`. */
export type TaskEvent = {
  [K in TaskEventType]: { type: K; payload: z.output<(typeof TASK_PAYLOADS)[K]> };
}[TaskEventType];

/** What the fold reads from a journal record (JournalRecord fits). */
export interface TaskRecordLike {
  type: string;
  payload: unknown;
  /** Append time, ms: becomes addedAt/startedAt/…; 0 when absent. */
  ts?: number;
  /** Journal sequence: records at or below the queue's `lastSeq` are skipped (snapshot + journal). */
  seq?: number;
}

/** A validated `task add` (validate.ts). */
export interface TaskInput {
  text: string;
  agent: string | null;
  priority: TaskPriority;
  labels: string[];
  timeoutMs: number | null;
}
