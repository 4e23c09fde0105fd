import { z } from 'zod';
import { MiyabiError } from '../../core/errors.js';
import { handler, type HandlerTable } from '../../ipc/server.js';
import type { RunsHost } from '../../pipelines/runs-host.js';
import { listRuns } from '../../pipelines/run-dir.js';
import type { Controller } from '../controller.js';

function runsOf(c: Controller): RunsHost {
  if (!c.runs) throw new MiyabiError('CONTROLLER_START', 'the controller is still starting');
  return c.runs;
}

const runId = z.object({ runId: z.string().min(1) }).strict();

/** Pipeline runs, hosted by the controller (src/pipelines/runs-host.ts). */
export function runHandlers(c: Controller): HandlerTable {
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
      handle: (req) => runsOf(c).start(req),
    }),
    'run.cancel': handler({
      schema: runId.extend({ reason: z.string().optional() }),
      describe: 'cancel a run: its commands are killed, it ends cancelled',
      handle: async (req) => ({ status: await runsOf(c).cancel(req.runId, req.reason) }),
    }),
    'runs.list': handler({
      schema: z.object({ limit: z.number().int().positive().max(1000).optional() }).strict(),
      describe: 'the latest runs, newest last',
      handle: (req) => listRuns(c.projectRoot).slice(-(req.limit ?? 20)),
    }),
    'run.resume': handler({
      schema: runId,
      describe: 'resume an interrupted run from its last finished stage',
      handle: (req) => ({ runId: req.runId, status: runsOf(c).resume(req.runId) }),
    }),
  };
}
