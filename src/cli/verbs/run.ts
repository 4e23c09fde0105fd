/**
 * `miyabi run <pipeline> [--var k=v]… [--wait]`, and `miyabi run --resume <run-id>`. The controller
 * hosts the run when one is up: this prints the run id, or with --wait follows the run's journal
 * records until it ends. With no controller this process hosts it (run-local.ts) and waits. Ctrl-C
 * while waiting cancels the run. Exit 0 when the run succeeded (or, without --wait, was started).
 */
import { MiyabiError } from '../../core/errors.js';
import { type IpcClient, StreamPosition } from '../../ipc/client.js';
import type { StartResult } from '../../pipelines/runs-host.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';
import { hostRun, lockOrController } from '../run-local.js';
import { printRunRecord, runExitCode } from '../run-progress.js';

export interface RunOptions extends GlobalOptions {
  pipeline?: string;
  var?: string[];
  wait?: boolean;
  resume?: string;
  runId?: string;
}

export function parseVars(list: readonly string[] = []): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new MiyabiError('USAGE', `--var ${JSON.stringify(kv)}: expected NAME=VALUE`);
    vars[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return vars;
}

/** What became of a --resume; a run with nothing left to run is reported as skipped. */
function resumed(runId: string, status: 'resumed' | 'queued' | 'ended'): StartResult {
  if (status === 'ended') process.stderr.write(`miyabi: run ${runId} has nothing left to run (miyabi runs shows how it ended)\n`);
  return { runId, status: status === 'ended' ? 'skipped' : status === 'queued' ? 'queued' : 'started', others: [] };
}

function queuedText(r: StartResult): string {
  if (r.status !== 'queued') return '';
  return r.others.length ? ` queued behind ${r.others.join(', ')}` : ' queued behind the runs of its pipeline';
}

/** How long `run --wait` tries to get back to a controller that went away (a restart) before it gives up. */
const RECONNECT_MS = 30_000;

type Rec = { seq: number; type: string; payload: unknown };

/**
 * Follows run `runId` through the controller's event stream until it ends. When the connection
 * drops (the controller restarts) it reconnects with the last seq it saw, so no step of the run is
 * missed or printed twice.
 */
async function follow(client: IpcClient, start: () => Promise<StartResult>, reconnect: () => Promise<IpcClient | null>): Promise<number> {
  let runId = '';
  const early: Rec[] = [];
  let finish!: (rec: Rec | undefined) => void;
  let settled = false;
  const ended = new Promise<Rec | undefined>((r) => (finish = r)).finally(() => (settled = true));
  const position = new StreamPosition();
  const listen = (e: Rec): void => {
    if (position.fromSeq !== undefined && e.seq <= position.fromSeq) return;
    position.saw(e.seq);
    if (runId === '') early.push(e);
    else if (printRunRecord(runId, e)) finish(e);
  };
  let current = client;
  const opened: IpcClient[] = [];
  const again = async (): Promise<void> => {
    const deadline = Date.now() + RECONNECT_MS;
    for (let delay = 100; !settled && Date.now() < deadline; delay = Math.min(delay * 2, 2000)) {
      await new Promise((r) => setTimeout(r, delay));
      const c = await reconnect();
      if (c === null) continue;
      opened.push(c);
      try {
        position.started(await c.subscribe(listen, position.fromSeq));
        current = c;
        c.onClose(() => void again());
        return;
      } catch {
        c.close();
      }
    }
    finish(undefined);
  };
  // Subscribed before the start: a short run must not end unseen.
  position.started(await client.subscribe(listen));
  client.onClose(() => void again());
  const stop = () => void current.request('run.cancel', { runId, reason: 'cancelled (Ctrl-C)' }).catch(() => undefined);
  try {
    const r = await start();
    runId = r.runId;
    if (r.status === 'skipped') {
      if (r.others.length === 0) return 1; // a --resume with nothing left to run (said above)
      process.stderr.write(`miyabi: skipped: ${r.others.join(', ')} still running (concurrency: skip)\n`);
      return 0;
    }
    process.stdout.write(`run ${runId}${queuedText(r)}; logs: miyabi logs ${runId}\n`);
    for (const e of early) if (printRunRecord(runId, e)) finish(e);
    process.once('SIGINT', stop);
    const last = await ended;
    if (last === undefined) {
      process.stderr.write(`miyabi: the controller went away; run ${runId} resumes when it is back (miyabi runs shows it)\n`);
    }
    return runExitCode(last);
  } finally {
    settled = true;
    process.off('SIGINT', stop);
    for (const c of opened) c.close();
  }
}

export async function run(o: RunOptions): Promise<number> {
  const { paths } = cliContext(o);
  if (o.resume === undefined && o.pipeline === undefined) {
    throw new MiyabiError('USAGE', 'which pipeline? miyabi run <pipeline>', { hint: 'miyabi validate lists the pipelines it checks' });
  }
  const vars = parseVars(o.var);
  const request = o.resume === undefined ? { pipeline: o.pipeline!, vars, ...(o.runId ? { runId: o.runId } : {}) } : null;
  let got: Awaited<ReturnType<typeof lockOrController>> | null = await tryConnect(paths, 300);
  if (got === null) got = await lockOrController(paths, o.pipeline ?? null, (s) => process.stderr.write(`miyabi: ${s}`));
  if (got === 'skipped') {
    process.stderr.write(`miyabi: skipped: a run of ${o.pipeline ?? '?'} is still running (concurrency: skip)\n`);
    return 0;
  }
  if ('release' in got) {
    const lock = got;
    return hostRun(paths, lock, (host) => (request ? host.start(request) : resumed(o.resume!, host.resume(o.resume!))));
  }
  const client = got;
  try {
    const start = async (): Promise<StartResult> => {
      if (request) return client.request('run.start', request, 60_000);
      const r = await client.request('run.resume', { runId: o.resume! });
      return resumed(o.resume!, r.status);
    };
    if (o.wait) return await follow(client, start, () => tryConnect(paths, 1000));
    const r = await start();
    if (r.status === 'skipped' && r.others.length > 0) process.stderr.write(`miyabi: skipped: ${r.others.join(', ')} still running (concurrency: skip)\n`);
    else if (r.status === 'queued') process.stderr.write(`miyabi:${queuedText(r)} (concurrency: queue)\n`);
    process.stdout.write(`${r.runId}\n`);
    return 0;
  } finally {
    client.close();
  }
}
