/**
 * Pipeline runs (pipelines/runner.ts, pipelines/runs-host.ts; the fold is pipelines/run-state.ts).
 * Records a runner writes go through its RunJournal, which tags every payload with `runId`: the
 * catalogue's schemas hold the tagged payload, as it is on disk.
 */
import { z } from 'zod';
import { lazily } from '../lazy.js';

const runId = z.string().min(1);
/** Pipeline variables: open-ended by design (`--var k=v`, a trigger's fields). */
const vars = z.record(z.string(), z.string());

export const RUN_OUTCOMES = ['succeeded', 'failed', 'cancelled', 'interrupted'] as const;

export const RUN_EVENTS = lazily({
  'run.started': () => z.object({
    runId,
    pipeline: z.string().min(1),
    source: z.string(),
    hash: z.string(),
    vars,
    branch: z.string(),
    root: z.string(),
    cwd: z.string(),
    pid: z.number().int(),
    /** The first stage, null for a pipeline with none. */
    entry: z.string().nullable(),
  }),
  'run.resumed': () => z.object({ runId, from: z.string().nullable(), restarted: z.array(z.string()), pid: z.number().int() }),
  /** The host stopped: the run is resumable from here. */
  'run.interrupted': () => z.object({ runId, reason: z.string() }),
  'run.finished': () => z.object({ runId, outcome: z.enum(RUN_OUTCOMES), durationMs: z.number(), reason: z.string().optional() }),
  'run.skipped': () => z.object({ runId, pipeline: z.string(), others: z.array(z.string()), reason: z.string() }),
  'run.queued': () => z.object({
    runId,
    pipeline: z.string(),
    source: z.string(),
    vars,
    /** The event that fired the run (triggers): any JSON object, read by conditions over `event.*`. */
    event: z.record(z.string(), z.unknown()).optional(),
    waitingFor: z.array(z.string()),
  }),
  'run.dequeued': () => z.object({ runId, reason: z.string() }),
});
