import { MiyabiError } from '../../core/errors.js';
import type { Impls } from '../../ipc/handlers.js';
import type { RunsHost } from '../../pipelines/runs-host.js';
import { listRuns } from '../../pipelines/run-dir.js';
import type { Controller } from '../controller.js';

function runsOf(c: Controller): RunsHost {
  if (!c.runs) throw new MiyabiError('CONTROLLER_START', 'the controller is still starting');
  return c.runs;
}

/** Pipeline runs, hosted by the controller (src/pipelines/runs-host.ts). */
export function runHandlers(c: Controller): Pick<Impls, 'run.start' | 'run.cancel' | 'runs.list' | 'run.resume'> {
  return {
    'run.start': (req) => runsOf(c).start(req),
    'run.cancel': async (req) => ({ status: await runsOf(c).cancel(req.runId, req.reason) }),
    // Without the stages' outputs: those may be large, and a list only shows where each run is.
    'runs.list': (req) =>
      listRuns(c.projectRoot)
        .slice(-(req.limit ?? 20))
        .map((r) => ({
          runId: r.runId, pipeline: r.pipeline, status: r.status, startedAt: r.startedAt, resumes: r.resumes,
          ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}), ...(r.reason ? { reason: r.reason } : {}),
          stages: r.stages.map((st) => ({ name: st.name, outcome: st.outcome, attempts: st.attempts, ...(st.durationMs !== undefined ? { durationMs: st.durationMs } : {}) })),
        })),
    'run.resume': (req) => ({ runId: req.runId, status: runsOf(c).resume(req.runId) }),
  };
}
