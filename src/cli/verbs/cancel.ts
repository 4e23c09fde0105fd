/**
 * `miyabi cancel <run>`: SIGTERM to the process running it (which kills its commands' process
 * groups and journals the run as cancelled). If that process does not finish in time it is killed,
 * with the process groups listed in the run's `pgids`, and the run is journaled cancelled here —
 * safe, since its only writer is gone.
 */
import path from 'node:path';
import { MiyabiError } from '../../core/errors.js';
import { Journal } from '../../core/journal.js';
import { killGroup } from '../../pipelines/process-group.js';
import { pidAlive, readPgids, readPid, readRun, runDir } from '../../pipelines/run-dir.js';
import { cliContext, type GlobalOptions } from '../context.js';

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** Cancels the run in `dir`; returns its final status. */
export async function cancelRun(dir: string, graceMs = 10_000): Promise<string> {
  const st = readRun(dir);
  if (st === null) throw new MiyabiError('NOT_FOUND', `no run in ${dir}`);
  if (st.status !== 'running') {
    // A runner that died (a closed terminal, a crash) may have left its stages' commands running.
    if (st.outcome === undefined) for (const g of readPgids(dir)) killGroup(g, 'SIGKILL');
    return st.status;
  }
  const pid = readPid(dir) ?? st.pid;
  process.kill(pid, 'SIGTERM');
  if (!(await waitFor(() => !pidAlive(pid), graceMs))) {
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !pidAlive(pid), 2000);
  }
  for (const g of readPgids(dir)) killGroup(g, 'SIGKILL');
  const after = readRun(dir);
  if (after !== null && after.outcome === undefined) {
    const j = Journal.open(dir);
    try {
      j.appendDurable('run.finished', { outcome: 'cancelled', durationMs: Date.now() - after.startedAt, reason: 'killed by miyabi cancel' });
    } finally {
      j.close();
    }
  }
  return readRun(dir)?.status ?? 'cancelled';
}

export async function cancel(o: GlobalOptions & { run: string }): Promise<number> {
  const { paths } = cliContext(o);
  const dir = runDir(paths.root, o.run);
  if (readRun(dir) === null) throw new MiyabiError('NOT_FOUND', `no run ${JSON.stringify(o.run)} in ${path.dirname(dir)}`, { hint: 'miyabi runs lists them' });
  const status = await cancelRun(dir);
  process.stdout.write(`${o.run}: ${status}\n`);
  return 0;
}
