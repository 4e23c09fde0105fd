/**
 * The controller's supervisor: it starts the controller again when it dies (recovery L3: the
 * controller and the tmux server killed together come back with nobody typing). `up` starts the
 * controller itself, which starts this process once `up` has been told (`--watch <pid>`,
 * supervise.ts): the first controller is watched over an IPC channel (its exit code comes as a
 * message; a channel closed without one is a crash), the ones after are its children. Started
 * without `--watch` (the older way) it starts the first controller and hands `up` its start
 * message. It ends when the controller stops cleanly (exit 0: `down`, SIGTERM), when another
 * controller holds the project, or when restarts keep failing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pidAlive, readLock } from '../core/instance-lock.js';
import { controllerMain } from '../core/package-paths.js';
import { projectPaths } from '../core/paths.js';
import { removeSupervisorPid, writeSupervisorPid } from '../core/supervisor-file.js';
import type { StartMessage } from '../ipc/start-message.js';
import { appendLog } from './log.js';
import type { ExitNote } from './supervise.js';

/** EX_TEMPFAIL: the controller asks for a new one at once (recovery L3). */
export const RESTART_NOW = 75;
/**
 * The first restart is immediate (the L3 target is 2 s from the kill to the agents running
 * again), then Kubernetes' doubling, 1 s → 60 s; a controller up 5 min starts the count over.
 */
const FIRST_MS = 1000;
/** MIYABI_SUPERVISOR_BACKOFF=0 (benchmarks that kill on purpose): every restart at once. */
const NO_BACKOFF = process.env.MIYABI_SUPERVISOR_BACKOFF === '0';
const MAX_MS = 60_000;
const HEALTHY_MS = 300_000;
/** systemd-like start limit: this many restarts inside the window and the supervisor gives up. */
const BURST = Number(process.env.MIYABI_SUPERVISOR_BURST) || 10;
const WINDOW_MS = 600_000;

const { values } = parseArgs({
  options: { root: { type: 'string' }, 'tmux-socket': { type: 'string' }, layout: { type: 'string' }, watch: { type: 'string' } },
  strict: true,
});
if (!values.root || !values['tmux-socket']) {
  process.stderr.write('usage: miyabi-supervisor --root <dir> --tmux-socket <name> [--layout <ref>] [--watch <pid>]\n');
  process.exit(2);
}
const paths = projectPaths(values.root);
const argv = [controllerMain(), '--root', values.root, '--tmux-socket', values['tmux-socket'], ...(values.layout ? ['--layout', values.layout] : [])];
const log = (l: string) => appendLog(paths.controllerLog, `supervisor ${process.pid}: ${l}`);

let child: ChildProcess | null = null;
/** The first controller, when it started us (`--watch`): not our child, so killed by pid. */
let watched: number | null = null;
let stopping = false;
let delay = 0;
const restarts: number[] = [];

function end(code: number): never {
  removeSupervisorPid(paths.run, process.pid);
  process.exit(code);
}

function tellUp(m: StartMessage): void {
  if (!process.send || !process.connected) return;
  process.send(m, undefined, undefined, () => process.disconnect?.());
}

function start(first: boolean): void {
  const startedAt = Date.now();
  let answered = false;
  let ok = false;
  const c = spawn(process.execPath, argv, {
    // Its own process group (as when `up` started it directly): its tmux control client goes with it.
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    cwd: paths.root,
    env: { ...process.env, MIYABI_SUPERVISED: '1' },
  });
  child = c;
  c.once('message', (m: StartMessage) => {
    answered = true;
    if (c.connected) c.disconnect();
    if (first) tellUp(m);
    ok = m.ok;
    if (m.ok) {
      // Only now: .miyabi/ is the controller's to make and check (an owner token) before we write in it.
      writeSupervisorPid(paths.run, process.pid);
      return log(`controller ${c.pid} ${first ? 'started' : 'started again'}`);
    }
    log(`controller did not start: ${m.error.message}`);
  });
  c.once('exit', (code, signal) => {
    child = null;
    if (first && !answered) {
      tellUp({ ok: false, error: { code: 'CONTROLLER_START', message: `the controller exited (${signal ?? code}) before it was ready` } });
    }
    // A first start that failed (a bad layout, another controller) is `up`'s to report, not ours to retry.
    if (first && !ok) return end(code ?? 0);
    exited(c.pid, code, signal, startedAt);
  });
}

/** A controller ended: the supervisor ends too, or starts a new one after the backoff. */
function exited(pid: number | undefined, code: number | null, signal: string | null, startedAt: number): void {
  if (stopping || code === 0) return end(code ?? 0);
  if (!existsSync(paths.dir)) return end(0); // the project is gone
  const holder = readLock(paths.lock);
  if (holder && holder.pid !== pid && pidAlive(holder.pid)) {
    log(`controller ${holder.pid} holds the project now; this supervisor ends`);
    return end(0);
  }
  const now = Date.now();
  if (now - startedAt >= HEALTHY_MS) delay = 0;
  while (restarts.length && now - (restarts[0] ?? 0) > WINDOW_MS) restarts.shift();
  if (restarts.length >= BURST) {
    log(`the controller died ${BURST} times within ${WINDOW_MS / 60_000} min; giving up (miyabi up starts it again)`);
    return end(1);
  }
  restarts.push(now);
  const wait = code === RESTART_NOW || NO_BACKOFF ? 0 : delay;
  if (code !== RESTART_NOW) delay = delay === 0 ? FIRST_MS : Math.min(MAX_MS, delay * 2);
  log(`controller ${pid} exited (${signal ?? code}); starting a new one in ${wait} ms`);
  setTimeout(() => start(false), wait);
}

/** Watches the controller that started us: its exit code comes over the channel before it exits. */
function watch(pid: number): void {
  const startedAt = Date.now();
  watched = pid;
  let code: number | null = null;
  process.on('message', (m: Partial<ExitNote>) => {
    if (typeof m?.exit === 'number') code = m.exit;
    // A clean stop: nothing to start again, so no need to wait for the channel to close as the
    // controller exits; `down` waits for both of us, and this ends the two exits side by side.
    if (code === 0) exited(pid, 0, null, startedAt);
  });
  process.once('disconnect', () => {
    watched = null;
    exited(pid, code, code === null ? 'died' : null, startedAt);
  });
  log(`watching controller ${pid}`);
}

const onSignal = () => {
  stopping = true;
  const pid = child?.pid ?? watched;
  if (pid && pidAlive(pid)) process.kill(pid, 'SIGTERM');
  else end(0);
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
process.on('SIGHUP', () => undefined);
const watchPid = Number(values.watch);
if (values.watch !== undefined && Number.isInteger(watchPid) && watchPid > 1 && process.connected) watch(watchPid);
else start(true);
