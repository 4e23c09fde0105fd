/**
 * `miyabi up` builds the session in its own process while the controller it started first loads
 * beside it (issue #17: the controller's node start and load run beside `up`'s work, not after
 * it). They speak over the spawn IPC channel, `up` to the controller, in this order:
 *
 *   lock     the layout is checked (sent, normalized: the controller does not read it again),
 *            `.miyabi/` taken, and the project lock passed to the controller (instance-lock
 *            handLock): it may open its journal now;
 *   built    the session `up` built (or null: the project's live session, to adopt);
 *   abort    `up` gave up (a failed build): the controller journals why, releases the lock, stops.
 *
 * The controller answers with its StartMessage (ipc/start-message.ts) as before. A channel that
 * closes before `built` is an abort too (`up` died, or let the controller go): the controller never
 * goes on by itself, so nothing is made that no `up` asked for.
 */
import type { SessionLayout } from '../config/layout-types.js';
import type { PaneInfo } from '../tmux/port.js';
import type { Built } from './prepare.js';

export interface Handover {
  session: string;
  /** The build's own time (the chained tmux command), for `session.created`. */
  ms: number;
  /** The panes as tmux gave them at the build. */
  panes: PaneInfo[];
  built: Built;
  /** Milliseconds since `up`'s process start at each step of its build (the bench shows where its time goes). */
  upMs?: Record<string, number>;
}

export type UpMessage =
  | { step: 'lock'; layout: SessionLayout }
  | { step: 'built'; handover: Handover | null }
  | { step: 'abort'; why: string };

/** What the controller hears from the `up` that started it: the next step, or null when the channel closed. */
export type UpChannel = () => Promise<UpMessage | null>;

/** A channel's two ends in one process: a spare controller's `up` runs beside it (spare/in-process.ts). */
export interface LocalChannel {
  next: UpChannel;
  send(m: UpMessage): void;
  close(): void;
}

export function localChannel(): LocalChannel {
  const queue: UpMessage[] = [];
  const waiting: ((m: UpMessage | null) => void)[] = [];
  let closed = false;
  return {
    send: (m) => {
      if (closed) return;
      const w = waiting.shift();
      if (w) w(m);
      else queue.push(m);
    },
    close: () => {
      closed = true;
      for (const w of waiting.splice(0)) w(null);
    },
    next: () => {
      const m = queue.shift();
      if (m) return Promise.resolve(m);
      return closed ? Promise.resolve(null) : new Promise((r) => waiting.push(r));
    },
  };
}

/** The messages from the parent, one per call, in order (the controller's side of the channel). */
export function upChannel(proc: NodeJS.Process): UpChannel {
  const ch = localChannel();
  // Closed before we listen (`up` gave up at once): node says no 'disconnect' then.
  if (!proc.connected) ch.close();
  proc.on('message', (m: UpMessage) => ch.send(m));
  proc.once('disconnect', () => ch.close());
  return ch.next;
}
