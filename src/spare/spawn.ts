/**
 * Starts this user's spare controller (spare/main.ts) when none waits: by every controller once its
 * `up` has its answer, and by a spare that was used up without becoming one. So the next `up`,
 * even one a second later in another project, finds one. Not later (a few seconds after the
 * session runs): a `down` that came first would start it, and a node process started near its end
 * cost `down` 15–25 ms (p50 of 10–12 runs each, interleaved). Not as a stop begins: beside tmux's
 * work of ending the session it cost `down` 70 ms.
 *
 * Detached, its output to the spare log, started with the environment of the session that starts
 * it (a request brings the caller's own). MIYABI_SPARE=0: none.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { spareMain } from '../core/package-paths.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { sparePid, spareSpot } from '../core/spare-paths.js';

export function spawnSpare(env: NodeJS.ProcessEnv = process.env): number | null {
  const spot = spareSpot(env);
  if (!spot) return null;
  // One that waits already: its node start would only find it and end.
  const waiting = sparePid(spot);
  if (waiting !== null && waiting !== process.pid) return null;
  let log: number | null = null;
  try {
    ensurePrivateDir(spot.dir);
    log = openSync(spot.log, 'a', 0o600);
    // Its folder on its command line too: `pgrep -f` finds the spares of one folder (the tests end theirs so).
    const child = spawn(process.execPath, [spareMain(), spot.dir], {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: spot.dir,
      env: { ...env, MIYABI_SUPERVISED: undefined },
    });
    child.on('error', () => undefined);
    child.unref();
    return child.pid ?? null;
  } catch {
    return null; // a spare is a speed-up: without one, `up` starts its own controller as before
  } finally {
    if (log !== null) closeSync(log);
  }
}
