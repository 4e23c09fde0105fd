import { messageState } from '../bus/state.js';
import type { JournalRecord } from '../core/journal.js';
import type { MessageWaitReply } from '../ipc/messages/message-wait.js';

export interface AppendSource {
  onAppend(listener: (record: JournalRecord) => void): () => void;
}

interface Waiter {
  resolve: (r: MessageWaitReply) => void;
  timer: NodeJS.Timeout;
}

/** Enough for every `send --wait` in flight; older outcomes are still told by the bus (without the word). */
const KEEP = 4096;

/**
 * What the deliverer decided about each recent message, from the journal as it is appended, so
 * `send --wait` (message.wait) is answered by the record itself and not by polling: the record
 * carries the deliverer's word for it (submitted, unconfirmed, …), the Maildir flag does not.
 */
export class MessageOutcomes {
  private readonly decided = new Map<string, MessageWaitReply>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly off: () => void;

  constructor(
    private readonly busDir: string,
    journal: AppendSource,
  ) {
    this.off = journal.onAppend((r) => this.onRecord(r));
  }

  wait(to: string, id: string, timeoutMs: number): Promise<MessageWaitReply> {
    const known = this.decided.get(id);
    if (known) return Promise.resolve(known);
    // Decided before this controller started (or long ago): the bus still says which way.
    const st = messageState(this.busDir, to, id);
    if (st === 'delivered' || st === 'failed') return Promise.resolve({ state: st, outcome: null, reason: null });
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const w: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.drop(id, w);
          resolve({ state: 'timeout', outcome: null, reason: null });
        }, timeoutMs),
      };
      set.add(w);
    });
  }

  /** Every outcome this controller has seen decided (the newest 4096), for `miyabi inbox`. */
  recent(): Record<string, MessageWaitReply> {
    return Object.fromEntries(this.decided);
  }

  close(): void {
    this.off();
    for (const [id, set] of this.waiters) {
      for (const w of set) {
        clearTimeout(w.timer);
        w.resolve({ state: 'timeout', outcome: null, reason: 'the controller stopped' });
      }
      this.waiters.delete(id);
    }
  }

  private onRecord(r: JournalRecord): void {
    if (r.type !== 'message.delivered' && r.type !== 'message.failed') return;
    const p = (r.payload ?? {}) as { ids?: unknown; outcome?: unknown; reason?: unknown };
    const reply: MessageWaitReply = {
      state: r.type === 'message.delivered' ? 'delivered' : 'failed',
      outcome: typeof p.outcome === 'string' ? p.outcome : null,
      reason: typeof p.reason === 'string' ? p.reason : null,
    };
    for (const id of Array.isArray(p.ids) ? p.ids : []) {
      if (typeof id !== 'string') continue;
      this.decided.set(id, reply);
      if (this.decided.size > KEEP) this.decided.delete(this.decided.keys().next().value as string);
      const set = this.waiters.get(id);
      if (!set) continue;
      this.waiters.delete(id);
      for (const w of set) {
        clearTimeout(w.timer);
        w.resolve(reply);
      }
    }
  }

  private drop(id: string, w: Waiter): void {
    const set = this.waiters.get(id);
    set?.delete(w);
    if (set?.size === 0) this.waiters.delete(id);
  }
}
