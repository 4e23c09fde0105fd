/**
 * Asking whatever listens on the project's socket for its status, when it may not be a miyabi
 * controller at all (issue #11, item 5): a foreign program there that answers garbage, answers
 * with the wrong shape, hangs up or says nothing gets one clear error naming the socket, instead
 * of a TypeError from code that trusted the answer.
 */
import { MiyabiError, isMiyabiError } from '../core/errors.js';
import type { IpcClient } from '../ipc/client.js';
import type { StatusResult } from '../ipc/protocol.js';

export function foreignPeer(socket: string, why: string, cause?: unknown): MiyabiError {
  return new MiyabiError('IPC', `something else is listening on ${socket}: ${why}`, {
    hint: `it is not a miyabi controller that answers; stop the program that listens there (fuser ${socket}), or remove the socket if nothing should be there (rm ${socket})`,
    cause,
    detail: { socket },
  });
}

export function isStatusResult(v: unknown): v is StatusResult {
  const s = v as Partial<StatusResult> | null;
  return (
    typeof s === 'object' && s !== null &&
    typeof s.session === 'string' && typeof s.tmuxSocket === 'string' && typeof s.root === 'string' &&
    typeof s.controller === 'object' && s.controller !== null && typeof s.controller.pid === 'number' &&
    Array.isArray(s.panes)
  );
}

/** `type` from the peer, checked by `valid`; anything but a controller's answer is a foreignPeer error. */
export async function askChecked<T>(client: IpcClient, socket: string, type: 'status' | 'agents', valid: (v: unknown) => v is T, what: string, timeoutMs = 10_000): Promise<T> {
  let r: unknown;
  try {
    r = (await client.request(type, undefined, timeoutMs)) as unknown;
  } catch (e) {
    if (isMiyabiError(e) && e.code === 'IPC_TIMEOUT') throw foreignPeer(socket, `it did not answer a ${type} request within ${timeoutMs} ms`, e);
    if (isMiyabiError(e) && e.code === 'CONTROLLER_DOWN') throw foreignPeer(socket, 'it hung up without answering', e);
    // A controller answers or times out; an error reply with no description is not one.
    if (isMiyabiError(e) && e.code === 'IPC') throw foreignPeer(socket, e.message, e);
    if (e instanceof TypeError) throw foreignPeer(socket, 'its answer is not a miyabi reply', e);
    throw e;
  }
  if (!valid(r)) throw foreignPeer(socket, `its answer is not ${what} (${JSON.stringify(r)?.slice(0, 80) ?? 'nothing'})`);
  return r;
}

/** `status` from the peer, checked. */
export function askStatus(client: IpcClient, socket: string, timeoutMs = 10_000): Promise<StatusResult> {
  return askChecked(client, socket, 'status', isStatusResult, "a controller's status", timeoutMs);
}
