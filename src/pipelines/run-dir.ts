/**
 * A run's folder, `.miyabi/runs/<run-id>/`: its journal (`journal/events.jsonl`, the same Journal
 * class as the controller's), a log per stage (`<stage>.log`), the pid of the process running it
 * (`pid`) and the process groups of its running commands (`pgids`), for `miyabi cancel`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replayJournal } from '../core/journal.js';
import { foldRun, type RunState } from './run-state.js';
import { pidAlive } from '../core/pid.js';

export { pidAlive };

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

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export function writePid(dir: string, pid = process.pid): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeAtomic(path.join(dir, 'pid'), `${pid}\n`);
}

export function readPid(dir: string): number | null {
  try {
    const n = Number(readFileSync(path.join(dir, 'pid'), 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** Keeps `pgids` equal to the set of live process groups of the run. */
export function pgidTracker(dir: string): (pgid: number, alive: boolean) => void {
  const live = new Set<number>();
  return (pgid, alive) => {
    if (alive) live.add(pgid);
    else live.delete(pgid);
    try {
      writeAtomic(path.join(dir, 'pgids'), [...live].join('\n') + (live.size ? '\n' : ''));
    } catch {
      // cancel falls back to the pid alone
    }
  };
}

export function readPgids(dir: string): number[] {
  try {
    return readFileSync(path.join(dir, 'pgids'), 'utf8').split('\n').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return [];
  }
}

export interface RunSummary extends RunState {
  /** outcome, or "running", or "interrupted" when the process running it is gone without finishing it. */
  status: string;
  dir: string;
}

export function readRun(dir: string): RunSummary | null {
  if (!existsSync(path.join(dir, 'journal'))) return null;
  let st: RunState | null;
  try {
    st = foldRun(replayJournal(dir));
  } catch {
    return null;
  }
  if (st === null) return null;
  const pid = readPid(dir) ?? st.pid;
  const status = st.outcome ?? (pidAlive(pid) ? 'running' : 'interrupted');
  return { ...st, status, dir };
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
