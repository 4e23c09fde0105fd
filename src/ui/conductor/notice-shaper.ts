/**
 * Keeps the conductor's notices readable: a notification routed to several channels is one line
 * (its `notify.*` records share a key), and deliveries beyond a few a second — a pipeline feeding
 * agents, a bench — fold into one "N more delivered" line a second later. Failures always print:
 * a person must see every message that did not arrive.
 */

interface Ev { type: string; payload: unknown }

/** Delivered lines printed per window before they are counted instead. */
export const DELIVERED_PER_WINDOW = 3;
export const WINDOW_MS = 1000;
/** A notification's key printed once within this long, whichever channels it went to. */
export const NOTIFY_ONCE_MS = 30_000;

export class NoticeShaper {
  private windowStart = 0;
  private shown = 0;
  private held = 0;
  private flush: NodeJS.Timeout | undefined;
  private readonly notified = new Map<string, number>();

  constructor(
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  offer(e: Ev, line: string): void {
    const p = (e.payload ?? {}) as Record<string, unknown>;
    if (e.type === 'notify.sent' || e.type === 'notify.failed') {
      const key = `${e.type}:${String(p['key'])}`;
      const at = this.notified.get(key);
      if (at !== undefined && this.now() - at < NOTIFY_ONCE_MS) return;
      this.notified.set(key, this.now());
      if (this.notified.size > 500) this.notified.clear();
      return this.print(line);
    }
    if (e.type !== 'message.delivered') return this.print(line);
    const t = this.now();
    if (t - this.windowStart >= WINDOW_MS) {
      this.windowStart = t;
      this.shown = 0;
    }
    if (this.shown < DELIVERED_PER_WINDOW) {
      this.shown++;
      return this.print(line);
    }
    this.held++;
    this.flush ??= setTimeout(() => {
      this.flush = undefined;
      const n = this.held;
      this.held = 0;
      if (n > 0) this.print(`[msg] ${n} more delivered`);
    }, WINDOW_MS);
    this.flush.unref?.();
  }

  stop(): void {
    clearTimeout(this.flush);
  }
}
