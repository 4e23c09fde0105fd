/**
 * The controller's side of the events folder of the bus: every file in `_events/new/` is read,
 * journaled (`event.received`), handed to the engine and removed; a file that is not an event is
 * moved to `_events/quarantine/` with its reason and journaled (`event.quarantined`), and the rest
 * go on. `new/` is scanned at start (events emitted while the controller was down fire now), on
 * every change fs.watch reports, and once a second in case a notice was lost.
 */
import { watch, type FSWatcher } from 'node:fs';
import { ensureEvents, pendingEvents, readEvent, removeEvent, type BusEvent } from '../bus/events.js';
import type { EventSink } from '../core/events/index.js';

const RESCAN_MS = 1000;

export class EventInbox {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private scanning = false;
  private again = false;

  constructor(
    private readonly busDir: string,
    private readonly sink: EventSink,
    private readonly take: (ev: BusEvent) => void,
    private readonly log: (line: string) => void = () => {},
  ) {}

  start(): void {
    const p = ensureEvents(this.busDir);
    try {
      this.watcher = watch(p.new, () => this.scan());
      this.watcher.on('error', (e) => this.log(`events: watch failed: ${String(e)}`));
    } catch (e) {
      this.log(`events: cannot watch ${p.new} (${String(e)}); rescanning every ${RESCAN_MS} ms`);
    }
    this.timer = setInterval(() => this.scan(), RESCAN_MS);
    this.timer.unref();
    this.scan();
  }

  /** Takes in every event waiting now, oldest first. */
  scan(): void {
    if (this.scanning) {
      this.again = true;
      return;
    }
    this.scanning = true;
    try {
      do {
        this.again = false;
        for (const name of pendingEvents(this.busDir)) this.one(name);
      } while (this.again);
    } finally {
      this.scanning = false;
    }
  }

  private one(name: string): void {
    const r = readEvent(this.busDir, name);
    if (r === null) return;
    if ('quarantined' in r) {
      this.sink.append('event.quarantined', { name, reason: r.quarantined.reason, movedTo: r.quarantined.movedTo });
      return;
    }
    const ev = r.event;
    this.sink.append('event.received', { id: ev.id, type: ev.type, source: ev.source, data: ev.data });
    removeEvent(this.busDir, name);
    try {
      this.take(ev);
    } catch (e) {
      this.log(`events: ${ev.type} ${ev.id}: ${String(e)}`);
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
