import { acquireLock } from '../core/instance-lock.js';
import type { ProjectPaths } from '../core/paths.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { trustState } from '../core/state-trust.js';
import { ensureExcluded } from '../git/exclude.js';
import { miyabiBinDir, writeMiyabiShim } from './miyabi-shim.js';

/**
 * Makes `.miyabi/` ready for a controller, in the order that keeps it safe: nothing a clone
 * brought is read as state (core/state-trust.ts), every folder is then ours and 0700, git ignores
 * it, one controller holds it, and panes find the `miyabi` this controller runs. Returns the lock.
 */
export function takeStateDir(p: ProjectPaths, o: { env: NodeJS.ProcessEnv; miyabiBin: string; onTrusted: () => void }): { release: () => void } {
  trustState(p.root, { create: true, git: true, env: o.env });
  for (const d of [p.run, p.logs, p.journal, p.state, p.launch, p.bus]) ensurePrivateDir(d);
  o.onTrusted();
  ensureExcluded(p.root);
  const lock = acquireLock(p.lock, p.socket);
  writeMiyabiShim(miyabiBinDir(p), { node: process.execPath, bin: o.miyabiBin });
  return lock;
}
