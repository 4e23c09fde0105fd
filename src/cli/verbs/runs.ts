/** `miyabi runs [--json]`: every pipeline run of the project, with each stage's outcome and duration. */
import { formatMs } from '../../core/duration.js';
import { listRuns } from '../../pipelines/run-dir.js';
import { cliContext, type GlobalOptions } from '../context.js';

export async function runs(o: GlobalOptions & { json?: boolean }): Promise<number> {
  const { paths } = cliContext(o);
  const all = listRuns(paths.root);
  if (o.json) {
    const out = all.map((r) => ({
      id: r.runId, pipeline: r.pipeline, status: r.status, branch: r.branch, startedAt: new Date(r.startedAt).toISOString(),
      durationMs: r.durationMs ?? null, resumes: r.resumes, ...(r.reason ? { reason: r.reason } : {}),
      stages: r.stages.map((s) => ({
        name: s.name, outcome: s.outcome, attempts: s.attempts, durationMs: s.durationMs ?? null,
        ...(s.escalated ? { escalated: true } : {}), ...(s.error ? { error: s.error } : {}), ...(s.reason ? { reason: s.reason } : {}),
      })),
    }));
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  if (all.length === 0) {
    process.stdout.write('no runs yet (miyabi run <pipeline> starts one)\n');
    return 0;
  }
  for (const r of all) {
    process.stdout.write(`${r.runId}  ${r.status}  ${formatMs(r.durationMs)}\n`);
    for (const s of r.stages) process.stdout.write(`  ${s.name.padEnd(16)} ${s.outcome.padEnd(9)} ${formatMs(s.durationMs).padStart(8)}${s.attempts > 1 ? `  ${s.attempts} tries` : ''}${s.error ? `  ${s.error.split('\n')[0]}` : ''}\n`);
  }
  return 0;
}
