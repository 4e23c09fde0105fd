/**
 * The bus's one door for "where is message <id> now?", for whoever does not run the deliverer
 * (`miyabi send --wait` while the controller is down, and the controller answering a wait): the
 * Maildir says it by where the file is and by its flag (reader.ts markDelivered).
 */
import { join } from 'node:path';
import { type FsPort, isNotFound, realFs } from '../core/fs-port.js';
import { parseId } from './ids.js';
import { inboxPaths } from './layout.js';

/** pending: in `new/`; delivered / failed: in `cur/` with flag D / F; unknown: neither (or not an id). */
export type MessageState = 'pending' | 'delivered' | 'failed' | 'unknown';

function exists(fs: FsPort, path: string): boolean {
  try {
    fs.lstatSync(path);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

export function messageState(busDir: string, recipient: string, id: string, fs: FsPort = realFs): MessageState {
  if (parseId(id) === null) return 'unknown';
  const box = inboxPaths(busDir, recipient);
  // The rename new/ → cur/ may fall between two looks: cur/ is looked at again before "unknown".
  if (exists(fs, join(box.cur, `${id}:2,D`))) return 'delivered';
  if (exists(fs, join(box.cur, `${id}:2,F`))) return 'failed';
  if (exists(fs, join(box.new, id))) return 'pending';
  if (exists(fs, join(box.cur, `${id}:2,D`))) return 'delivered';
  if (exists(fs, join(box.cur, `${id}:2,F`))) return 'failed';
  return 'unknown';
}
