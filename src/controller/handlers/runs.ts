import { z } from 'zod';
import { handler, type HandlerTable } from '../../ipc/server.js';
import type { RunsHost } from '../../pipelines/runs-host.js';
import { listRuns } from '../../pipelines/run-dir.js';

const runId = z.object({ runId: z.string().min(1) }).strict();

/** Pipeline runs, hosted by the controller (src/pipelines/runs-host.ts). */
export function runHandlers(runs: RunsHost, root: string): HandlerTable {
  return {
    'run.start': handler({
      schema: z
        .object({
          pipeline: z.string().min(1),
          vars: z.record(z.string(), z.string()).optional(),
          runId: z.string().min(1).optional(),
          event: z.record(z.string(), z.unknown()).optional(),
        })
        .strict(),
      describe: 'start a pipeline run (or queue or skip it, by its concurrency)',
      handle: (req) => runs.start(req),
    }),
    'run.cancel': handler({
      schema: runId.extend({ reason: z.string().optional() }),
      describe: 'cancel a run: its commands are killed, it ends cancelled',
      handle: async (req) => ({ status: await runs.cancel(req.runId, req.reason) }),
    }),
    'runs.list': handler({
      schema: z.object({ limit: z.number().int().positive().max(1000).optional() }).strict(),
      describe: 'the latest runs, newest last',
      // Without the stages' outputs: those may be large, and a list only shows where each run is.
      handle: (req) =>
        listRuns(root)
          .slice(-(req.limit ?? 20))
          .map((r) => ({
            runId: r.runId, pipeline: r.pipeline, status: r.status, startedAt: r.startedAt, resumes: r.resumes,
            ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}), ...(r.reason ? { reason: r.reason } : {}),
            stages: r.stages.map((st) => ({ name: st.name, outcome: st.outcome, attempts: st.attempts, ...(st.durationMs !== undefined ? { durationMs: st.durationMs } : {}) })),
          })),
    }),
    'run.resume': handler({
      schema: runId,
      describe: 'resume an interrupted run from its last finished stage',
      handle: (req) => ({ runId: req.runId, status: runs.resume(req.runId) }),
    }),
  };
}
