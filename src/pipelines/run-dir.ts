/**
 * A run's folder, `.miyabi/runs/<run-id>/`: `run.json` (its state, cached from the project journal),
 * a log per stage (`<stage>.log`) and the process groups of its running commands (`pgids`), which a
 * host that takes over after a crash kills before it runs the interrupted stage again.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-write.js';
import path from 'node:path';
import type { RunState } from './run-state.js';
import { killGroup } from '../shell/process-group.js';
import { pidReused, processStartTime, sameProcessAlive } from '../core/pid.js';

export function runsDir(root: string): string {
  return path.join(root, '.miyabi', 'runs');
}

export function reportsDir(root: string): string {
  return path.join(root, '.miyabi', 'reports');
}

export function runDir(root: string, runId: string): string {
  return path.join(runsDir(root), runId);
}

/** `<pipeline>-<yyyymmdd>-<hhmmss>-<4 hex>`: sorts by pipeline then time, unique within a project. */
export function newRunId(pipeline: string, now = new Date()): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${pipeline}-${iso}-${randomBytes(2).toString('hex')}`;
}

const RUN_ID = /^[a-z][a-z0-9_-]{0,31}-\d{8}-\d{6}-[0-9a-f]{4}$/;

export function isRunId(s: string): boolean {
  return RUN_ID.test(s);
}

/** Caches of the journal and of live process groups: not fsynced, a machine crash ends both. */
function writeAtomic(file: string, text: string): void {
  writeFileAtomic(file, text, { durable: false, mode: 0o644 });
}

/**
 * Keeps `pgids` equal to the live process groups of the run, each with its leader's start time:
 * a pid reused by an unrelated process after a crash must never be signalled.
 */
export function pgidTracker(dir: string): (pgid: number, alive: boolean) => void {
  const live = new Map<number, string>();
  return (pgid, alive) => {
    if (alive) live.set(pgid, processStartTime(pgid) ?? '?');
    else live.delete(pgid);
    try {
      writeAtomic(path.join(dir, 'pgids'), [...live].map(([g, t]) => `${g} ${t}\n`).join(''));
    } catch {
      // the groups end with their stage anyway; this list only serves a crash
    }
  };
}

/** Kills the process groups a dead host left running for this run; returns how many it killed. */
export function killLeftoverGroups(dir: string): number {
  let lines: string[] = [];
  try {
    lines = readFileSync(path.join(dir, 'pgids'), 'utf8').split('\n');
  } catch {
    return 0;
  }
  let killed = 0;
  for (const line of lines) {
    const [g, t] = line.split(' ');
    const pgid = Number(g);
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    // The leader may have exited while the rest of its group lives on: then no start time is left
    // to compare, and the group id cannot have been reused while members still carry it.
    if (pidReused(pgid, t)) continue;
    if (killGroup(pgid, 'SIGKILL')) killed++;
  }
  return killed;
}

/**
 * What `run.json` holds: the run's state folded from the project journal (the journal is the truth;
 * this is its cache for `miyabi runs` and `logs`), written after each durable record of the run.
 * `startSeq` is where the run's records begin, so a restarted host replays only from there.
 * Before `run.started` (or while the run waits its turn) it is a stub: `pending` or `queued`.
 */
export interface RunCache extends Partial<RunState> {
  runId: string;
  pipeline: string;
  startSeq: number;
  pid: number;
  phase?: 'pending' | 'queued';
  /** The host's start time (processStartTime): a pid reused after a reboot is not taken for the host. */
  hostStart?: string;
  vars?: Record<string, string>;
  source?: string;
  queuedAt?: number;
}

let ownStart: string | undefined;
function selfStart(): string | undefined {
  return (ownStart ??= processStartTime(process.pid) ?? undefined);
}

export function writeRunCache(dir: string, cache: RunCache): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Whoever writes the cache of a run it hosts vouches for its own start time.
  const hostStart = cache.pid === process.pid ? selfStart() : cache.hostStart;
  writeAtomic(path.join(dir, 'run.json'), JSON.stringify({ ...cache, ...(hostStart ? { hostStart } : {}) }));
}

export function readRunCache(dir: string): RunCache | null {
  try {
    const c = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunCache;
    return typeof c.runId === 'string' && typeof c.startSeq === 'number' ? c : null;
  } catch {
    return null;
  }
}

export interface RunSummary extends RunState {
  /** outcome, or "running", "queued", or "interrupted" when its host (controller or `miyabi run`) is gone without finishing it. */
  status: string;
  dir: string;
  startSeq: number;
}

export function readRun(dir: string): RunSummary | null {
  const c = readRunCache(dir);
  if (c === null) return null;
  const st: RunState = {
    source: '', hash: '', vars: {}, branch: '', root: '', cwd: '', startedAt: c.queuedAt ?? 0, stages: [], outputs: {},
    position: null, unhandledFailure: false, anyFailed: false, background: [], resumes: 0, ...c,
  };
  const alive = sameProcessAlive(c.pid, c.hostStart);
  const status = st.outcome ?? (!alive ? 'interrupted' : c.phase === 'queued' ? 'queued' : 'running');
  return { ...st, status, dir, startSeq: c.startSeq };
}

/** Every run of the project, oldest first. */
export function listRuns(root: string): RunSummary[] {
  let names: string[] = [];
  try {
    names = readdirSync(runsDir(root));
  } catch {
    return [];
  }
  return names
    .filter(isRunId)
    .map((n) => readRun(path.join(runsDir(root), n)))
    .filter((r): r is RunSummary => r !== null)
    .sort((a, b) => a.startedAt - b.startedAt);
}
