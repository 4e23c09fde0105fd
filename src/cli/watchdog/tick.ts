import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileNoFollow } from '../../core/no-follow.js';
import { readSnapshot } from '../../core/snapshot.js';
import type { ProjectPaths } from '../../core/paths.js';

/**
 * One watchdog tick (`miyabi doctor --watchdog-tick`, run by the systemd timer or cron every
 * minute and at boot): when the project's controller is gone and was not stopped with `down`,
 * `up` starts it again (its supervisor with it; the session comes back from snapshot + journal, L3).
 * A start that fails waits longer before the next try: 1 min, doubling to 30 min (Kubernetes'
 * doubling; a tick a minute is as often as cron can), reset by a start that works.
 */
const FIRST_MS = 60_000;
const MAX_MS = 30 * 60_000;

interface TickState {
  failures: number;
  nextAt: number;
  lastError?: string;
}

export interface TickDeps {
  paths: ProjectPaths;
  now: number;
  /** The controller answers on its socket. */
  running: () => Promise<boolean>;
  /** `miyabi up --detach`: its exit code, and its error text if it failed. */
  up: () => Promise<{ code: number; error?: string }>;
  say: (line: string) => void;
}

const stateFile = (p: ProjectPaths) => join(p.dir, 'watchdog.json');

function readState(p: ProjectPaths): TickState {
  try {
    const s = JSON.parse(readFileSync(stateFile(p), 'utf8')) as Partial<TickState>;
    return { failures: Number(s.failures) || 0, nextAt: Number(s.nextAt) || 0 };
  } catch {
    return { failures: 0, nextAt: 0 };
  }
}

function stoppedWithDown(p: ProjectPaths): boolean {
  try {
    return (readSnapshot(p.dir) as { recovery?: { down?: boolean } } | null)?.recovery?.down === true;
  } catch {
    return false; // a damaged snapshot is `up`'s to report (it rebuilds from the journal)
  }
}

export const backoffMs = (failures: number) => (failures <= 0 ? 0 : Math.min(MAX_MS, FIRST_MS * 2 ** (failures - 1)));

export async function watchdogTick(d: TickDeps): Promise<number> {
  const stamp = new Date(d.now).toISOString();
  const state = readState(d.paths);
  const save = (s: TickState) => writeFileNoFollow(stateFile(d.paths), JSON.stringify(s));
  if (await d.running()) {
    if (state.failures) save({ failures: 0, nextAt: 0 });
    return 0;
  }
  if (stoppedWithDown(d.paths)) {
    d.say(`${stamp} watchdog: the project was stopped with \`miyabi down\`; left down`);
    return 0;
  }
  if (d.now < state.nextAt) {
    d.say(`${stamp} watchdog: the controller is down; backing off until ${new Date(state.nextAt).toISOString()} after ${state.failures} failed start(s)`);
    return 0;
  }
  d.say(`${stamp} watchdog: the controller is down; starting it (miyabi up)`);
  const r = await d.up();
  if (r.code === 0) {
    save({ failures: 0, nextAt: 0 });
    d.say(`${stamp} watchdog: started`);
    return 0;
  }
  const failures = state.failures + 1;
  const nextAt = d.now + backoffMs(failures);
  save({ failures, nextAt, ...(r.error ? { lastError: r.error } : {}) });
  d.say(`${stamp} watchdog: up failed (${r.error ?? `exit ${r.code}`}); next try after ${new Date(nextAt).toISOString()}`);
  return 1;
}
