/**
 * What the conductor prints unasked: `notify-conductor` messages from pipelines, the moments a
 * run ends, escalates or is interrupted, messages delivered into a pane or failed, and the
 * feedback layer's notifications (notice-shaper.ts keeps a flood of them to a few lines). A feed of its own subscribes to the controller's journal
 * and reconnects (backing off to 5 s) when the controller goes away, as the REPL outlives restarts;
 * it resumes from the last record it saw (`fromSeq`), so what happened while it was away is shown.
 */
import { isMiyabiError } from '../../core/errors.js';
import { IpcClient, StreamPosition } from '../../ipc/client.js';
import type { JournalEventFrame } from '../../ipc/protocol.js';
import { formatMs } from '../../core/duration.js';
import { shortId } from '../../core/short-ids.js';
import { NoticeShaper } from './notice-shaper.js';

type JournalEvent = JournalEventFrame['event'];

export function formatNotice(e: JournalEvent): string | null {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const run = typeof p['runId'] === 'string' ? p['runId'] : '?';
  switch (e.type) {
    case 'conductor.notify':
      return `[notify] ${String(p['message'])}`;
    case 'stage.escalated':
      return `[run] ${run}: ${String(p['stage'])} escalated after ${String(p['attempts'])} tries: ${String(p['error']).split('\n')[0]}`;
    case 'run.interrupted':
      return `[run] ${run}: interrupted (${String(p['reason'])})`;
    case 'run.finished':
      return `[run] ${run}: ${String(p['outcome'])} in ${formatMs(p['durationMs'] as number)}`;
    case 'recovery.gave-up':
      return `[recovery] gave up on ${String(p['agent'])} at L${String(p['level'])}: ${String(p['reason'])}`;
    case 'recovery.escalated':
      return `[recovery] ${String(p['agent'])}: L${String(p['from'])} → L${String(p['level'])} (${String(p['reason'])})`;
    case 'run.dequeued':
      return `[run] ${run}: never started (${String(p['reason'])})`;
    case 'message.delivered':
      return `[msg] ${ids(p)} delivered to ${String(p['to'])} (${String(p['outcome'])}, ${formatMs(p['ms'] as number)})`;
    case 'message.failed':
      return `[msg] ${ids(p)} to ${String(p['to'])} FAILED: ${String(p['reason'] ?? p['outcome'])}`;
    case 'notify.sent':
      return `[notify] ${String(p['text'] ?? p['key'])}`;
    case 'notify.failed':
      return `[notify] ${String(p['text'] ?? p['key'])} (not sent to ${String(p['channel'])}: ${String(p['error']).split('\n')[0]})`;
  }
  return null;
}

/** Message ids as `miyabi send` prints them (the short form). */
function ids(p: Record<string, unknown>): string {
  const list = Array.isArray(p['ids']) ? (p['ids'] as unknown[]).map((x) => shortId(String(x))) : [];
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} +${list.length - 2}` : list.join(', ');
}

interface FeedClient {
  subscribe(listener: (e: JournalEvent) => void, fromSeq?: number): Promise<{ afterSeq?: number | null } | void>;
  onClose(listener: () => void): void;
  close(): void;
}

export class NoticeFeed {
  private stopped = false;
  private client: FeedClient | null = null;
  private timer: NodeJS.Timeout | undefined;
  private backoff = 250;
  /** A feed that reconnects resumes here: no notice is lost while the controller restarts. */
  private readonly position = new StreamPosition();
  private readonly shaper: NoticeShaper;

  constructor(
    private readonly socketPath: string,
    private readonly onNotice: (line: string) => void,
    private readonly connect: (path: string) => Promise<FeedClient> = (p) => IpcClient.connect(p),
  ) {
    this.shaper = new NoticeShaper((l) => this.onNotice(l));
  }

  start(): void {
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    this.shaper.stop();
    clearTimeout(this.timer);
    this.client?.close();
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    let c: FeedClient;
    try {
      c = await this.connect(this.socketPath);
    } catch {
      return this.retry();
    }
    if (this.stopped) return c.close();
    this.client = c;
    // Only the current client's end starts a new try: an old one closing late changes nothing.
    c.onClose(() => {
      if (this.client === c) this.retry();
    });
    try {
      const subscribed = await c.subscribe((e) => {
        if (this.client !== c) return;
        this.position.saw(e.seq);
        const line = formatNotice(e);
        if (line !== null) this.shaper.offer(e, line);
      }, this.position.fromSeq);
      this.position.started(subscribed);
      this.backoff = 250;
    } catch (e) {
      // Records compacted since we were here: they are gone; carry on live from the next try.
      if (isMiyabiError(e) && e.code === 'NOT_FOUND') this.position.forget();
      c.close();
    }
  }

  private retry(): void {
    this.client = null;
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.open(), this.backoff);
    this.timer.unref();
    this.backoff = Math.min(this.backoff * 2, 5000);
  }
}
