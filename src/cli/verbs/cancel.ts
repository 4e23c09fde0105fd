/**
 * `miyabi cancel <run>`: the host of the run cancels it — the controller, asked over IPC, or a
 * `miyabi run` hosting it with no controller, by SIGTERM. A run left interrupted (its host gone) is
 * closed as cancelled, so no controller resumes it; its leftover commands are killed.
 */
import path from 'node:path';
import { MiyabiError } from '../../core/errors.js';
import { readLock } from '../../core/instance-lock.js';
import { readRun, runDir } from '../../pipelines/run-dir.js';
import { lockOrController, withLocalHost } from '../run-local.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (cond()) return true;
  return cond();
}

export async function cancel(o: GlobalOptions & { run: string }): Promise<number> {
  const { paths } = cliContext(o);
  const dir = runDir(paths.root, o.run);
  const st = readRun(dir);
  if (st === null) throw new MiyabiError('NOT_FOUND', `no run ${JSON.stringify(o.run)} in ${path.dirname(dir)}`, { hint: 'miyabi runs lists them' });
  if (st.outcome !== undefined) {
    process.stdout.write(`${o.run}: ${st.outcome} (it had ended)\n`);
    return 0;
  }
  const client = await tryConnect(paths, 300);
  if (client) {
    try {
      const r = await client.request('run.cancel', { runId: o.run }, 30_000);
      process.stdout.write(`${o.run}: ${r.status}\n`);
      return 0;
    } finally {
      client.close();
    }
  }
  if (st.status === 'running' || st.status === 'queued') {
    // Hosted by a `miyabi run` with no controller: it cancels on SIGTERM and exits. Only that
    // process, holding the project's lock, is signalled: never a pid that merely looks alive.
    const held = readLock(paths.lock);
    if (held?.role !== 'run' || held.pid !== st.pid) {
      throw new MiyabiError('USAGE', `run ${o.run} says pid ${st.pid} hosts it, but that process does not hold the project`, { hint: `miyabi up, then miyabi cancel ${o.run}` });
    }
    process.kill(st.pid, 'SIGTERM');
    if (!(await until(() => readRun(dir)?.outcome !== undefined, 15_000))) {
      throw new MiyabiError('IPC_TIMEOUT', `run ${o.run}: its host (pid ${st.pid}) did not end it within 15 s`, { hint: `kill ${st.pid}, then miyabi cancel ${o.run} again` });
    }
    process.stdout.write(`${o.run}: ${readRun(dir)?.outcome ?? 'cancelled'}\n`);
    return 0;
  }
  // Interrupted, no host: close it here, holding the lock as a host would.
  const got = await lockOrController(paths, null, (s) => process.stderr.write(`miyabi: ${s}`));
  if (got === 'skipped') return 1;
  if (!('release' in got)) {
    got.close();
    throw new MiyabiError('USAGE', 'a controller started meanwhile: run miyabi cancel again');
  }
  const status = await withLocalHost(paths, got, (host) => host.cancel(o.run));
  process.stdout.write(`${o.run}: ${status}\n`);
  return 0;
}
