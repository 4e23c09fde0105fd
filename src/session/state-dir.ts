import { acquireLock } from '../core/instance-lock.js';
import type { ProjectPaths } from '../core/paths.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { trustState } from '../core/state-trust.js';
import { ensureExcluded } from '../git/exclude.js';
import { miyabiBinDir, writeMiyabiShim } from './miyabi-shim.js';

/**
 * Makes `.miyabi/` ready for a controller, in the order that keeps it safe: nothing a clone
 * brought is read as state (core/state-trust.ts), every folder is then ours and 0700, git ignores
 * it, one controller (or the `up` building its session) holds it, and panes find the `miyabi` it
 * runs. Returns the lock.
 */
export function takeStateDir(p: ProjectPaths, o: { env: NodeJS.ProcessEnv; miyabiBin: string; onTrusted: () => void }): { release: () => void; text: string } {
  trustState(p.root, { create: true, git: true, env: o.env });
  for (const d of [p.run, p.logs, p.journal, p.state, p.launch, p.bus]) ensurePrivateDir(d);
  o.onTrusted();
  ensureExcluded(p.root);
  const lock = acquireLock(p.lock, p.socket);
  writeMiyabiShim(miyabiBinDir(p), { node: process.execPath, bin: o.miyabiBin });
  return lock;
}

/**
 * `.miyabi/` as the `up` that started this controller made it ready a moment ago (takeStateDir,
 * under the lock it then passed here): only the lock is taken. Not judged again: a second look
 * would meet what the first one's making of it changed (a fresh folder where git still lists an
 * old one's files), and answer otherwise.
 */
export function takeHandedStateDir(p: ProjectPaths, handedBy: number, onTrusted: () => void): { release: () => void; text: string } {
  const lock = acquireLock(p.lock, p.socket, 'controller', handedBy);
  onTrusted();
  return lock;
}
