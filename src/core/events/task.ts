/**
 * The task queue's records (agents/tasks folds them into the queue; its diagram of states is in
 * agents/tasks/types.ts). The fold parses each record with these schemas, so they are also what a
 * replayed journal must hold.
 */
import { z } from 'zod';
import { joined, lazily } from '../lazy.js';

/** Same names and order as the bus's message priorities. */
export const TASK_PRIORITIES = ['high', 'normal', 'low'] as const;

const id = z.string().min(1).max(64);
const reason = z.string().max(4096).optional();
const agent = z.string().min(1).max(32);

export const TASK_PAYLOADS = lazily({
  'task.added': () => z.object({
    id,
    text: z.string().min(1),
    agent: agent.nullable().optional(),
    priority: z.enum(TASK_PRIORITIES),
    labels: z.array(z.string()).default([]),
    timeoutMs: z.number().int().positive().nullable().default(null),
  }),
  'task.assigned': () => z.object({ id, agent, branch: z.string().nullable().optional(), worktree: z.string().nullable().optional() }),
  'task.started': () => z.object({ id }),
  'task.done': () => z.object({ id }),
  'task.failed': () => z.object({ id, reason: z.string().max(4096) }),
  'task.timed-out': () => z.object({ id, reason }),
  'task.cancelled': () => z.object({ id, reason }),
});

export const TASK_EVENTS = joined(
  TASK_PAYLOADS,
  lazily({
    /** The router could not hand a task over (not a queue change: the task stays queued). */
    'task.handover-failed': () => z.object({ id, agent: z.string(), error: z.string() }),
  }),
);
