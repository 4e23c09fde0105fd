/**
 * The sender (RELIABILITY.md "The bus"): write `tmp/<id>` opened O_EXCL 0600, check every write,
 * fsync, close, rename to `new/<id>`, fsync `new/`. Return only after that; on any error remove
 * what was written (tmp file, or the new/ file when the directory fsync failed) and throw.
 *
 * Named failpoints for crash tests (F2): MIYABI_FAILPOINT=bus.afterTmpWrite:exit (or
 * bus.afterFsync:exit, bus.afterRename:exit; several separated by commas) exits with status 99 at
 * that point. A crash after the tmp write or the fsync leaves a file in `tmp/` only (cleaned by
 * cleanStaleTmp, never delivered); after the rename the message is in `new/` and is delivered.
 */
import { join } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { type FsPort, O, closeQuietly, errnoCode, fsyncDir, ioError, isNotFound, realFs, writeAll } from '../core/fs-port.js';
import { encodeMessage } from './format.js';
import { type IdGenerator, defaultIds, newestTime } from './ids.js';
import { ensureInbox, inboxExists, inboxPaths, stoppedReason, stoppedRecipient, unknownRecipient } from './layout.js';
import {
  DEFAULT_INBOX_CAP,
  DEFAULT_MAX_BODY_BYTES,
  type Priority,
  checkBody,
  checkFlags,
  checkName,
  checkPriority,
  textBytes,
} from './validate.js';

export interface SendInput {
  from: string;
  to: string;
  /** A string, or bytes (standard input). */
  text: string | Uint8Array;
  priority?: Priority;
  /** Send control characters and non-UTF-8 bytes as they are (adds the `raw` flag). */
  raw?: boolean;
  /** More flags, e.g. ['now']. */
  flags?: readonly string[];
}

export interface WriteOptions {
  fs?: FsPort;
  /** Most files in `new/` before sends are refused with BUS_FULL (default 10,000). */
  inboxCap?: number;
  /** Largest body (default 64 KiB). */
  maxBodyBytes?: number;
  ids?: IdGenerator;
  /** Create the recipient's inbox when it does not exist; otherwise an unknown recipient is an error. */
  create?: boolean;
  /** Epoch ms for the `created` header (tests). */
  now?: () => number;
}

export interface WriteResult {
  id: string;
  /** `<busDir>/<to>/new/<id>` */
  path: string;
  /** Size of the file. */
  bytes: number;
}

const OPEN_FLAGS = O.O_WRONLY | O.O_CREAT | O.O_EXCL | O.O_NOFOLLOW;
const MAX_ATTEMPTS = 64;

function failpoint(name: string): void {
  const fp = process.env.MIYABI_FAILPOINT;
  if (fp !== undefined && fp.includes(name) && fp.split(',').includes(`${name}:exit`)) process.exit(99);
}

function listNew(fs: FsPort, busDir: string, to: string, create: boolean): string[] {
  const box = inboxPaths(busDir, to);
  try {
    return fs.readdirSync(box.new);
  } catch (e) {
    if (!isNotFound(e)) throw ioError('bus: listing', box.new, e);
  }
  // No new/: an inbox with a folder missing is repaired; no inbox at all is an unknown recipient.
  if (!create && !inboxExists(busDir, to, fs)) throw unknownRecipient(busDir, to, fs);
  ensureInbox(busDir, to, fs);
  return [];
}

function fullError(to: string, dir: string, count: number, cap: number): MiyabiError {
  return new MiyabiError('BUS_FULL', `inbox of ${to} is full: ${count} messages are waiting in ${dir} (limit ${cap})`, {
    hint: `${to} is not taking messages: check that the controller runs (miyabi status) and the agent is alive; retry later, or raise MIYABI_BUS_INBOX_CAP`,
    detail: { recipient: to, count, cap },
  });
}

/** Writes one message durably into `<busDir>/<to>/new/`; returns once it is there and fsynced. */
export function writeMessage(busDir: string, input: SendInput, options: WriteOptions = {}): WriteResult {
  const fs = options.fs ?? realFs;
  const ids = options.ids ?? defaultIds;
  const cap = options.inboxCap ?? DEFAULT_INBOX_CAP;
  const { from, to } = input;
  checkName('sender', from);
  checkName('recipient', to);
  const priority = input.priority ?? 'normal';
  checkPriority(priority);
  const flags = [...new Set([...(input.raw === true ? ['raw'] : []), ...(input.flags ?? [])])];
  checkFlags(flags);
  const body = textBytes(input.text);
  checkBody(body, flags.includes('raw'), options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);

  const box = inboxPaths(busDir, to);
  const stopped = stoppedReason(busDir, to, fs);
  if (stopped !== null) throw stoppedRecipient(to, stopped);
  const pending = listNew(fs, busDir, to, options.create === true);
  if (pending.length >= cap) throw fullError(to, box.new, pending.length, cap);
  const floor = newestTime(pending, ids.now());
  const created = (options.now ?? Date.now)();

  let fd: number | null = null;
  let id = '';
  let tmpPath = '';
  let repaired = false;
  for (let attempt = 0; fd === null; attempt++) {
    id = ids.next(from, floor);
    tmpPath = join(box.tmp, id);
    try {
      fd = fs.openSync(tmpPath, OPEN_FLAGS, 0o600);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EEXIST' && attempt < MAX_ATTEMPTS) continue; // a clash: next sequence (Dovecot)
      if (code === 'ENOENT' && !repaired) {
        repaired = true; // tmp/ was removed under us
        ensureInbox(busDir, to, fs);
        continue;
      }
      throw ioError(`bus: sending to ${to}: creating`, tmpPath, e);
    }
  }

  const data = encodeMessage({ id, from, to, priority, created, flags, body });
  const newPath = join(box.new, id);
  let stage = 'writing';
  let renamed = false;
  try {
    writeAll(fs, fd, data, 0);
    failpoint('bus.afterTmpWrite');
    stage = 'fsync of';
    fs.fsyncSync(fd);
    failpoint('bus.afterFsync');
    stage = 'closing';
    const closing = fd;
    fd = null; // close releases the descriptor even when it reports an error
    fs.closeSync(closing);
    stage = 'renaming';
    fs.renameSync(tmpPath, newPath);
    renamed = true;
    failpoint('bus.afterRename');
    stage = 'fsync of folder';
    fsyncDir(fs, box.new);
  } catch (e) {
    closeQuietly(fs, fd);
    try {
      fs.unlinkSync(renamed ? newPath : tmpPath);
    } catch {
      // nothing more to undo; cleanStaleTmp removes a left-over tmp file later
    }
    throw ioError(`bus: sending to ${to}: ${stage}`, renamed ? box.new : tmpPath, e);
  }
  return { id, path: newPath, bytes: data.length };
}
