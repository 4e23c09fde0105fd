import { projectPaths, type ProjectPaths } from '../core/paths.js';
import { busDirOf } from '../bus/layout.js';
import { messageState } from '../bus/state.js';
import { IpcClient } from '../ipc/client.js';
import type { MessageWaitReply } from '../ipc/messages/message-wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Asks the controller to answer when the message is decided (message.wait), with the deliverer's
 * word for how; null when there is no controller to ask, or it went away before answering.
 */
async function askController(paths: ProjectPaths, to: string, id: string, end: number): Promise<MessageWaitReply | null> {
  let client: IpcClient;
  try {
    client = await IpcClient.connect(paths.socket, 1000);
  } catch {
    return null;
  }
  try {
    const ms = Math.max(1, end - Date.now());
    const r = await client.request('message.wait', { to, id, timeoutMs: ms }, ms + 5000);
    return r.state === 'timeout' && Date.now() < end ? null : r; // stopped early: ask again or read the bus
  } catch {
    return null; // still starting, stopping, or older than message.wait: the bus tells
  } finally {
    client.close();
  }
}

/**
 * Waits for the controller's answer; while there is none (it is down, or not up yet), reads the
 * bus's own door for the message's state, and asks the controller again every so often, so a
 * message queued while it was down is seen delivered once `miyabi up` has run.
 */
export async function waitOutcome(root: string, to: string, id: string, timeoutS: number): Promise<MessageWaitReply> {
  const end = Date.now() + timeoutS * 1000;
  const paths = projectPaths(root);
  const busDir = busDirOf(paths);
  let askAt = 0;
  while (Date.now() < end) {
    if (Date.now() >= askAt) {
      const r = await askController(paths, to, id, end);
      if (r) return r;
      askAt = Date.now() + 200;
    }
    const st = messageState(busDir, to, id);
    if (st === 'delivered' || st === 'failed') return { state: st, outcome: null, reason: null };
    await sleep(20);
  }
  return { state: 'timeout', outcome: null, reason: null };
}
