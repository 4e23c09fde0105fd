/**
 * Sends each notice to the channels its kind is routed to: once per change (notices.ts), once per
 * kind and subject within the de-duplication window, nothing in quiet hours. Every delivery is a
 * journal record: `notify.sent`, or `notify.failed` with why after the channel's last attempt.
 */
import type { EventSink } from '../../core/events/index.js';
import type { FoldRecord } from '../fold.js';
import type { Channel } from './channels.js';
import { type Notice, type NoticeKind, NoticeSource } from './notices.js';

export interface NotifierOptions {
  routes: Partial<Record<NoticeKind, readonly string[]>>;
  channels: ReadonlyMap<string, Channel>;
  /** "22:00-07:00", local time. */
  quietHours?: string;
  /** Default 30 s. */
  dedupeMs?: number;
  journal: EventSink;
  now?: () => Date;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function inQuietHours(spec: string | undefined, d: Date): boolean {
  if (!spec) return false;
  const [a, b] = spec.split('-') as [string, string];
  const start = minutes(a);
  const end = minutes(b);
  const x = d.getHours() * 60 + d.getMinutes();
  return start <= end ? x >= start && x < end : x >= start || x < end;
}

export class Notifier {
  private readonly source = new NoticeSource();
  private readonly last = new Map<string, number>();
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: NotifierOptions) {}

  /** The journal's onAppend listener. */
  readonly onRecord = (r: FoldRecord): void => {
    const n = this.source.of(r);
    if (!n || this.stopped) return;
    const routes = this.o.routes[n.kind] ?? [];
    if (routes.length === 0) return;
    const now = this.o.now?.() ?? new Date();
    if (inQuietHours(this.o.quietHours, now)) {
      this.o.log?.(`notice held back (quiet hours ${this.o.quietHours}): ${n.text}`);
      return;
    }
    const key = `${n.kind}:${n.subject}`;
    const prev = this.last.get(key);
    if (prev !== undefined && now.getTime() - prev < (this.o.dedupeMs ?? 30_000)) return;
    this.last.set(key, now.getTime());
    for (const name of routes) {
      const ch = this.o.channels.get(name);
      const p = ch ? this.deliver(ch, n) : Promise.resolve(this.failed(name, n, 1, `channel ${name} is not configured in feedback.yaml`));
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }
  };

  /** Resolves once every delivery begun so far has ended (tests, stop). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  stop(): void {
    this.stopped = true;
  }

  private async deliver(ch: Channel, n: Notice): Promise<void> {
    const attempts = Math.max(1, ch.attempts ?? 1);
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    let error = '';
    for (let i = 1; i <= attempts; i++) {
      try {
        await ch.send(n);
        this.o.journal.append('notify.sent', { channel: ch.name, event: n.kind, key: `${n.kind}:${n.subject}`, attempts: i, text: n.text.slice(0, 500) });
        return;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        if (i < attempts && !this.stopped) await sleep((ch.backoffMs ?? 1000) * 2 ** (i - 1));
        else if (this.stopped) return this.failed(ch.name, n, i, `${error} (the controller stopped before another try)`);
      }
    }
    this.failed(ch.name, n, attempts, error);
  }

  private failed(channel: string, n: Notice, attempts: number, error: string): void {
    this.o.log?.(`notification to ${channel} failed: ${error}`);
    try {
      this.o.journal.append('notify.failed', { channel, event: n.kind, key: `${n.kind}:${n.subject}`, attempts, error: error.slice(0, 2000), text: n.text.slice(0, 500) });
    } catch {
      // the journal is closing: nothing more to record
    }
  }
}
