/**
 * A run's stages and their actions (pipelines/runner.ts, pipelines/actions.ts), tagged with
 * `runId` by the run's RunJournal like run.* records.
 */
import { z } from 'zod';
import { lazily } from '../lazy.js';

const runId = z.string().min(1);
const stage = z.string().min(1);
/** The next stage, null when the run ends there. */
const next = z.string().nullable();

/** pipelines/run-state.ts's StageOutcome, less 'running' (a fold state, never written). */
export const STAGE_OUTCOMES = ['passed', 'failed', 'skipped', 'stopped', 'cancelled'] as const;

export const STAGE_EVENTS = lazily({
  'stage.started': () => z.object({ runId, stage, attempt: z.number().int(), continuous: z.boolean().optional() }),
  'stage.retry': () => z.object({ runId, stage, attempt: z.number().int(), error: z.string(), delayMs: z.number() }),
  'stage.escalated': () => z.object({ runId, pipeline: z.string(), stage, attempts: z.number().int(), error: z.string(), next }),
  /** A continuous stage started beside the run, which moves on. */
  'stage.backgrounded': () => z.object({ runId, stage, next }),
  'stage.finished': () => z.object({
    runId,
    stage,
    outcome: z.enum(STAGE_OUTCOMES),
    attempts: z.number().int(),
    durationMs: z.number(),
    output: z.string().optional(),
    /** Named outputs of the stage's actions: open-ended, one per `output:` name in the pipeline. */
    outputs: z.record(z.string(), z.string()).optional(),
    error: z.string().optional(),
    reason: z.string().optional(),
    next,
    /** The edge taken (config/pipeline-graph.ts's Route.via, or 'skipped', 'continuous', 'end'). */
    via: z.string(),
    unhandledFailure: z.boolean().optional(),
  }),
  'action.finished': () => z.object({
    runId, stage, action: z.string(), attempt: z.number().int(), ok: z.boolean(), durationMs: z.number(), error: z.string().optional(),
  }),
  /** A note from an action that is not its result (e.g. a configured command that is not set). */
  'action.log': () => z.object({ runId, stage, action: z.string(), message: z.string() }),
  'escalation.failed': () => z.object({ runId, stage, error: z.string() }),
  /** The notify-conductor built-in: the controller relays it to the conductor pane. */
  'conductor.notify': () => z.object({
    runId, stage, message: z.string(),
    /** The stage's inputs as the pipeline named them: open-ended. */
    inputs: z.record(z.string(), z.string()),
  }),
});

/** Record types a run writes through its RunJournal, which adds `runId` to each payload. */
export const RUN_TAGGED = [
  'run.started', 'run.resumed', 'run.interrupted', 'run.finished',
  'stage.started', 'stage.retry', 'stage.escalated', 'stage.backgrounded', 'stage.finished',
  'action.finished', 'action.log', 'escalation.failed', 'conductor.notify',
] as const;
