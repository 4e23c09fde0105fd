/**
 * Where things are on the bus (DESIGN.md "Files on disk"): `.miyabi/bus/<agent>/{tmp,new,cur}/`,
 * plus `quarantine/` for junk the reader moved aside. Folders are created 0700.
 */
import { rmSync } from 'node:fs';
import type { ProjectPaths } from '../core/paths.js';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { MiyabiError } from '../core/errors.js';
import { type FsPort, errnoCode, ioError, isNotFound, realFs } from '../core/fs-port.js';
import { NAME_PATTERN } from '../core/names.js';
import { checkName } from './validate.js';

export interface InboxPaths {
  root: string;
  tmp: string;
  new: string;
  cur: string;
  quarantine: string;
}

/** `.miyabi/bus` of a project (core/paths.ts). */
export function busDirOf(paths: Pick<ProjectPaths, 'bus'>): string {
  return paths.bus;
}

/** The folders of `recipient`'s inbox; the name is checked, so it never leaves `busDir`. */
export function inboxPaths(busDir: string, recipient: string): InboxPaths {
  checkName('recipient', recipient);
  const root = join(busDir, recipient);
  return { root, tmp: join(root, 'tmp'), new: join(root, 'new'), cur: join(root, 'cur'), quarantine: join(root, 'quarantine') };
}

function mkdirOk(fs: FsPort, path: string, recursive = false): void {
  try {
    fs.mkdirSync(path, { mode: 0o700, recursive });
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') throw ioError('bus: creating folder', path, e);
  }
}

/** Creates `<busDir>/<recipient>/{tmp,new,cur}` (0700) where missing; the controller calls it per agent. */
export function ensureInbox(busDir: string, recipient: string, fs: FsPort = realFs): InboxPaths {
  const p = inboxPaths(busDir, recipient);
  mkdirOk(fs, busDir, true);
  mkdirOk(fs, p.root);
  mkdirOk(fs, p.tmp);
  mkdirOk(fs, p.new);
  mkdirOk(fs, p.cur);
  return p;
}

/** The agents that have an inbox: real folders (not symlinks) with a valid name, sorted. */
export function recipients(busDir: string, fs: FsPort = realFs): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(busDir);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw ioError('bus: listing', busDir, e);
  }
  const out: string[] = [];
  for (const name of names) {
    if (!NAME_PATTERN.test(name)) continue;
    try {
      if (fs.lstatSync(join(busDir, name)).isDirectory()) out.push(name);
    } catch {
      // vanished in between: not a recipient
    }
  }
  return out.sort();
}

/** True when `<busDir>/<recipient>` is a real folder. */
export function inboxExists(busDir: string, recipient: string, fs: FsPort = realFs): boolean {
  try {
    return fs.lstatSync(inboxPaths(busDir, recipient).root).isDirectory();
  } catch (e) {
    if (isNotFound(e)) return false;
    throw ioError('bus: checking', join(busDir, recipient), e);
  }
}

/**
 * A stopped agent (`miyabi kill`) keeps its inbox, so what was queued for it stays readable and
 * goes in if it is started again; `<agent>/stopped` says it was stopped, and senders refuse it.
 */
const STOPPED = 'stopped';

/** Why `recipient` takes no messages (`by miyabi kill at …`), or null while it is a live recipient. */
export function stoppedReason(busDir: string, recipient: string, fs: FsPort = realFs): string | null {
  try {
    return fs.readFileSync(join(inboxPaths(busDir, recipient).root, STOPPED)).toString('utf8').trim() || 'stopped';
  } catch (e) {
    if (isNotFound(e) || errnoCode(e) === 'ENOTDIR') return null;
    throw ioError('bus: reading', join(busDir, recipient, STOPPED), e);
  }
}

/** Marks `recipient` stopped (the controller, on `miyabi kill`); `why` reads after "stopped". */
export function markStopped(busDir: string, recipient: string, why: string): void {
  ensureInbox(busDir, recipient);
  writeFileAtomic(join(inboxPaths(busDir, recipient).root, STOPPED), `${why}\n`, { what: 'bus: marking stopped' });
}

/** It takes messages again (spawned again, or its pane is back). */
export function clearStopped(busDir: string, recipient: string): void {
  rmSync(join(inboxPaths(busDir, recipient).root, STOPPED), { force: true });
}

/** The recipients a message can go to now: every inbox but those of stopped agents. */
export function liveRecipients(busDir: string, fs: FsPort = realFs): string[] {
  return recipients(busDir, fs).filter((r) => stoppedReason(busDir, r, fs) === null);
}

/** NOT_FOUND (exit 2): the agent was stopped, and how to start it again. */
export function stoppedRecipient(recipient: string, why: string): MiyabiError {
  return new MiyabiError('NOT_FOUND', `agent "${recipient}" was stopped (${why}); it takes no messages until it runs again`, {
    hint: `start it again with \`miyabi spawn ${recipient}\`; what was queued before waits in its inbox (miyabi inbox ${recipient})`,
    detail: { recipient, stopped: why },
  });
}

/** NOT_FOUND (exit 2) naming the recipients that exist. */
export function unknownRecipient(busDir: string, recipient: string, fs: FsPort = realFs): MiyabiError {
  const known = liveRecipients(busDir, fs);
  const list = known.length > 0 ? `known: ${known.join(', ')}` : `no agent has an inbox in ${busDir} yet`;
  return new MiyabiError('NOT_FOUND', `unknown recipient "${recipient}"; ${list}`, {
    hint: known.length > 0 ? 'send to one of the agents above (miyabi ls lists them)' : 'start the project first: miyabi up',
    detail: { recipient, known },
  });
}
