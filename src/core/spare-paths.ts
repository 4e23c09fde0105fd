/**
 * Where a user's spare controller waits (issue #17): a controller process already started and
 * loaded, to which a thin `miyabi up` hands its project, as Nx hands work to its daemon. One per
 * user and build: the socket's name carries the package's folder, the build's time and node's
 * version, so a client never talks to a spare of other code. It lives in the user's private
 * socket folder (0700, theirs, no link), because the request carries the caller's environment.
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, spareMain } from './package-paths.js';
import { socketFallbackDir } from './paths.js';
import { pidAlive } from './pid.js';

export interface SpareSpot {
  dir: string;
  socket: string;
  /** Its pid, for `doctor` and for tests to end the spares they made. */
  pid: string;
  /** What a spare says before it has a project (after, it is its project's controller log). */
  log: string;
}

/** FNV-1a, 32 bits: a name, not a secret (node:crypto would cost the thin `up` its load). */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Where this build's spare listens, or null when spares are off (MIYABI_SPARE=0) or the build is absent. */
export function spareSpot(env: NodeJS.ProcessEnv = process.env): SpareSpot | null {
  if (env.MIYABI_SPARE === '0') return null;
  let built: number;
  try {
    built = statSync(spareMain()).mtimeMs;
  } catch {
    return null;
  }
  const dir = env.MIYABI_SPARE_DIR || socketFallbackDir(env);
  const base = join(dir, `spare-${fnv(`${packageRoot()}\0${built}\0${process.version}\0${process.execPath}`)}`);
  return { dir, socket: `${base}.sock`, pid: `${base}.pid`, log: join(dir, 'spare.log') };
}

/** The folder is ours alone (0700, our uid, not a link) and the socket in it ours: else no request is sent. */
export function spareIsOurs(spot: SpareSpot): boolean {
  const uid = process.getuid?.() ?? 0;
  try {
    const d = lstatSync(spot.dir);
    if (!d.isDirectory() || d.uid !== uid || (d.mode & 0o077) !== 0) return false;
    const s = lstatSync(spot.socket);
    return s.isSocket() && s.uid === uid;
  } catch {
    return false;
  }
}

/** The pid of the spare that wrote its pid file there and still runs, or null. */
export function sparePid(spot: SpareSpot): number | null {
  try {
    const pid = Number(readFileSync(spot.pid, 'utf8'));
    return pid > 0 && pidAlive(pid) ? pid : null;
  } catch {
    return null; // none written
  }
}
