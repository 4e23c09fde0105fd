/**
 * `miyabi run` with no controller: this process hosts the run itself. It holds the controller's lock
 * while it does, so the project journal keeps a single writer; a second `miyabi run` meanwhile waits
 * its turn (or is skipped, or cancels this one, by the pipeline's concurrency). A run this process
 * leaves unfinished (killed, a closed terminal) is resumed by the next controller, or by --resume.
 */
import { Journal } from '../core/journal.js';
import type { ProjectPaths } from '../core/paths.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { MiyabiError } from '../core/errors.js';
import { acquireLock, readLock } from '../core/instance-lock.js';
import { listRuns } from '../pipelines/run-dir.js';
import { loadRunConfig, RunsHost, type StartResult } from '../pipelines/runs-host.js';
import { printRunRecord, runExitCode } from './run-progress.js';
import { tryConnect } from './context.js';
import type { IpcClient } from '../ipc/client.js';

type Lock = { release: () => void };

/**
 * The lock, once free; or a client when a controller turned up meanwhile (then the run goes there).
 * `pipeline` decides what waiting means while another local run of it holds the lock.
 */
export async function lockOrController(paths: ProjectPaths, pipeline: string | null, say: (s: string) => void): Promise<Lock | IpcClient | 'skipped'> {
  for (ensurePrivateDir(paths.dir), ensurePrivateDir(paths.run); ; ) {
    try {
      return acquireLock(paths.lock, '', 'run');
    } catch (e) {
      if (!(e instanceof MiyabiError) || e.code !== 'CONTROLLER_RUNNING') throw e;
    }
    const client = await tryConnect(paths, 300);
    if (client) return client;
    const held = readLock(paths.lock);
    if (held?.role === 'run' && pipeline !== null) {
      // The ref may be a file: the runs are known by the pipeline's name.
      const p = loadRunConfig(paths.root, pipeline).pipeline;
      const same = listRuns(paths.root).filter((r) => r.status === 'running' && r.pipeline === p.name && r.pid === held.pid);
      const policy = same.length ? p.concurrency : 'queue';
      if (policy === 'skip') return 'skipped';
      if (policy === 'cancel') {
        say(`cancelling ${same.map((r) => r.runId).join(', ')} (concurrency: cancel)\n`);
        process.kill(held.pid, 'SIGTERM');
      }
      say(`waiting for \`miyabi run\` (pid ${held.pid}) to end: with no controller, runs take turns\n`);
      pipeline = null; // say it once
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Opens the journal and a host for `fn`, holding the lock; both are closed and released after. */
export async function withLocalHost<T>(paths: ProjectPaths, lock: Lock, fn: (host: RunsHost, journal: Journal) => Promise<T>): Promise<T> {
  try {
    const journal = Journal.open(paths.dir, { fsync: 'group' });
    try {
      return await fn(new RunsHost({ root: paths.root, journal, env: process.env }), journal);
    } finally {
      journal.close();
    }
  } finally {
    lock.release();
  }
}

/** Hosts one run here; resolves with the exit code once it has ended. */
export function hostRun(paths: ProjectPaths, lock: Lock, act: (host: RunsHost) => StartResult | Promise<StartResult>): Promise<number> {
  return withLocalHost(paths, lock, async (host, journal) => {
    let runId = '';
    let last: { type: string; payload: unknown } | undefined;
    // Records come before start() returns (stages skipped at once): kept until the id is known.
    const early: { type: string; payload: unknown }[] = [];
    const show = (rec: { type: string; payload: unknown }) => {
      if (printRunRecord(runId, rec)) last = rec;
    };
    journal.onAppend((rec) => (runId === '' ? early.push(rec) : show(rec)));
    // Ctrl-C or `miyabi cancel` (SIGTERM): the run is cancelled, its commands killed. A closed
    // terminal (SIGHUP) is not a decision: the run stops as interrupted, for the next host to resume.
    const stop = (sig: string) => void (runId && host.cancel(runId, `cancelled (${sig})`).catch(() => undefined));
    const hangup = () => void host.stop('the terminal of `miyabi run` closed');
    process.on('SIGINT', stop).on('SIGTERM', stop).on('SIGHUP', hangup);
    try {
      const r = await act(host);
      runId = r.runId;
      if (r.status === 'skipped') return 1;
      process.stdout.write(`run ${runId}; logs: miyabi logs ${runId}\n`);
      early.forEach(show);
      await host.done(runId);
      return runExitCode(last);
    } finally {
      process.off('SIGINT', stop).off('SIGTERM', stop).off('SIGHUP', hangup);
    }
  });
}
