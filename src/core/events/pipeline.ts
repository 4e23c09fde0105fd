/**
 * The pipelines' door to agents (controller/pipeline-agent*.ts): each built-in journals what it
 * did with the run's id, and a restarted controller reads a run's memory (agent, pane, worktree,
 * task) back from these records.
 */
import { z } from 'zod';
import { lazily } from '../lazy.js';

const runId = z.string().min(1);
const stage = z.string().min(1);

export const PIPELINE_EVENTS = lazily({
  'pipeline.worktree': () => z.object({ runId, stage, name: z.string(), path: z.string(), branch: z.string().nullable(), reused: z.boolean() }),
  'pipeline.assigned': () => z.object({ runId, stage, agent: z.string(), paneId: z.string(), worktree: z.string().nullable() }),
  'pipeline.notified': () => z.object({ runId, stage, agent: z.string(), message: z.string(), worktree: z.string().nullable() }),
  'pipeline.started': () => z.object({ runId, stage, task: z.string(), agent: z.string(), handedOver: z.boolean() }),
  'pipeline.task': () => z.object({ runId, stage, task: z.string(), agent: z.string().nullable() }),
  'pipeline.progress': () => z.object({
    runId, stage,
    agent: z.string().nullable(), agentState: z.string().nullable(),
    task: z.string().nullable(), taskState: z.string().nullable(),
    worktree: z.string().nullable(),
  }),
  'pipeline.damage': () => z.object({
    runId, stage,
    agents: z.number().int(),
    damaged: z.array(z.object({ name: z.string(), paneId: z.string(), state: z.enum(['dead', 'unresponsive']), reason: z.string() })),
  }),
  'pipeline.agent-restored': () => z.object({
    runId, stage, agent: z.string(), paneId: z.string(), was: z.enum(['dead', 'unresponsive']), reason: z.string(), how: z.string(),
  }),
});
