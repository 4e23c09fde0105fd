import type { Writable } from 'node:stream';
import { fileSize } from '../core/log-tail.js';
import { appendStreamNoFollow } from '../core/no-follow.js';
import { colsMark, wholeEscape } from '../core/render-text.js';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const RING_BYTES = 256 * 1024;
/** `tail` and the dashboard read the last 64 KB of a raw log: a width mark at least this often. */
const MARK_EVERY = 32 * 1024;

/**
 * Whether a read ends between two characters and two escape sequences: a mark written after it
 * must not land inside either (a read may end in the middle of one; the rest comes in the next).
 */
export function cutsNothing(data: Buffer): boolean {
  let i = data.length - 1;
  let cont = 0;
  for (; i >= 0 && cont < 3 && ((data[i] ?? 0) & 0xc0) === 0x80; i--) cont++;
  const lead = data[i] ?? 0;
  if (i >= 0 && lead >= 0xc0 && cont < (lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1)) return false;
  const esc = data.lastIndexOf(0x1b);
  if (esc === -1) return true;
  return wholeEscape(data.subarray(esc).toString('latin1'));
}

interface PaneOutput {
  name: string;
  /** ANSI-stripped recent output; `base` is the absolute offset of text[0]. */
  text: string;
  base: number;
  lastAt: number;
  since: number;
  raw: Writable;
  plain: Writable;
  partialLine: string;
  /** Fed or seeded: a screen read now would repeat what the log holds. */
  written: boolean;
  /** The pane's width as last told, and whether the raw log still has to be told it. */
  cols?: number;
  colsDue: boolean;
  /** Raw bytes since the width was last marked: marked again now and then, so any read window holds one. */
  sinceMark: number;
}

type Waiter = { paneId: string; test: () => boolean; resolve: (ok: boolean) => void; timer: NodeJS.Timeout };

/**
 * Everything panes print, read from the control client's %output: kept as a window of recent
 * ANSI-stripped text (for proof of delivery and relay), and appended to
 * `.miyabi/logs/<agent>.log` (raw: `tail` and the dashboard render it) and `<agent>.txt`
 * (stripped: plain text to grep; the dashboard's activity sparkline measures its growth).
 */
export class OutputTracker {
  private readonly panes = new Map<string, PaneOutput>();
  private waiters: Waiter[] = [];
  private lineListeners: ((name: string, paneId: string, line: string) => void)[] = [];

  constructor(private readonly logDir: string) {}

  track(paneId: string, name: string): void {
    if (this.panes.has(paneId)) return;
    this.panes.set(paneId, {
      name,
      text: '',
      base: 0,
      // A pane that has printed nothing since we began watching is not known to be quiet yet.
      lastAt: Date.now(),
      since: Date.now(),
      raw: appendStreamNoFollow(join(this.logDir, `${name}.log`)),
      plain: appendStreamNoFollow(join(this.logDir, `${name}.txt`)),
      partialLine: '',
      written: false,
      colsDue: false,
      sinceMark: 0,
    });
  }

  untrack(paneId: string): void {
    const p = this.panes.get(paneId);
    if (!p) return;
    p.raw.end();
    p.plain.end();
    this.panes.delete(paneId);
  }

  onLine(listener: (name: string, paneId: string, line: string) => void): void {
    this.lineListeners.push(listener);
  }

  feed(paneId: string, data: Buffer): void {
    const p = this.panes.get(paneId);
    if (!p) return;
    p.lastAt = Date.now();
    p.written = true;
    p.raw.write(data);
    p.sinceMark += data.length;
    if (p.cols !== undefined && (p.colsDue || p.sinceMark >= MARK_EVERY) && cutsNothing(data)) this.markCols(p);
    const plain = stripVTControlCharacters(data.toString('utf8'));
    p.plain.write(plain);
    p.text += plain;
    if (p.text.length > RING_BYTES) {
      const cut = p.text.length - RING_BYTES / 2;
      p.text = p.text.slice(cut);
      p.base += cut;
    }
    if (this.lineListeners.length > 0) {
      const lines = (p.partialLine + plain).split(/\r?\n|\r/);
      p.partialLine = lines.pop() ?? '';
      for (const l of lines) for (const f of this.lineListeners) f(p.name, paneId, l);
    }
    this.wake(paneId);
  }

  /**
   * The pane's width, from each sweep (tmux's pane_width): the raw log is told it when it changes,
   * so that a line written at that width is read back at it (a wrapped line's redraw moves up
   * rows: core/render-text.ts). The mark goes in after the next read that ends cleanly: a line
   * with a mark in it is read back at that mark's width, so the prompt bash redraws on a resize and
   * what is typed after it are.
   */
  resize(paneId: string, cols: number): void {
    const p = this.panes.get(paneId);
    if (!p || cols <= 0 || p.cols === cols) return;
    p.cols = cols;
    p.colsDue = true;
  }

  private markCols(p: PaneOutput): void {
    if (p.cols === undefined) return;
    p.raw.write(colsMark(p.cols));
    p.colsDue = false;
    p.sinceMark = 0;
  }

  /** Panes whose logs are empty and have had nothing written since they were tracked. */
  unwritten(): string[] {
    return [...this.panes].filter(([, p]) => !p.written && fileSize(join(this.logDir, `${p.name}.txt`)) === 0).map(([id]) => id);
  }

  /**
   * What a pane showed before its output was watched (a shell's first prompt, printed before the
   * control client attached), written once to both logs so `tail` and the dashboard's preview
   * are not empty. Never into the delivery window: it proves nothing about a message.
   * In the raw log, with the cursor at `cursorX` on the last line (a prompt's end), that line is
   * left open there: bash redraws a pasted line with CR and one ESC[C per prompt column, and
   * without the prompt's cells in front the redraw lands over the first echo of the paste.
   */
  seed(paneId: string, screen: string, cursorX?: number): void {
    const p = this.panes.get(paneId);
    const text = screen.replace(/\s+$/, '');
    if (!p || p.written || !text) return;
    p.written = true;
    p.plain.write(`${text}\n`);
    const last = text.slice(text.lastIndexOf('\n') + 1);
    // capture-pane -J joins a wrapped line: the cursor is on its last row.
    const onRow = p.cols ? last.length - Math.floor(Math.max(0, last.length - 1) / p.cols) * p.cols : last.length;
    const crlf = text.replace(/\n/g, '\r\n');
    this.markCols(p); // the log is empty: its start is a line's
    p.raw.write(cursorX !== undefined && cursorX >= onRow ? `${crlf}\x1b[${cursorX + 1}G` : `${crlf}\r\n`);
  }

  /** Absolute offset of the end of what the pane has printed so far. */
  mark(paneId: string): number {
    const p = this.panes.get(paneId);
    return p ? p.base + p.text.length : 0;
  }

  /** What the pane printed since `offset` (as much as the window still holds). */
  since(paneId: string, offset: number): string {
    const p = this.panes.get(paneId);
    if (!p) return '';
    return p.text.slice(Math.max(0, offset - p.base));
  }

  recent(paneId: string): string {
    return this.panes.get(paneId)?.text ?? '';
  }

  /** How long this pane has been watched (since it was created, respawned or adopted). */
  age(paneId: string): number {
    const p = this.panes.get(paneId);
    return p ? Date.now() - p.since : 0;
  }

  lastOutputAt(paneId: string): number {
    return this.panes.get(paneId)?.lastAt ?? 0;
  }

  /** Resolves true as soon as `test()` holds after some output (or now), false at the deadline. */
  waitFor(paneId: string, test: () => boolean, timeoutMs: number): Promise<boolean> {
    if (test()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w: Waiter = {
        paneId,
        test,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          resolve(test());
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  private wake(paneId: string): void {
    if (this.waiters.length === 0) return;
    for (const w of [...this.waiters]) {
      if (w.paneId !== paneId || !w.test()) continue;
      clearTimeout(w.timer);
      this.waiters = this.waiters.filter((x) => x !== w);
      w.resolve(true);
    }
  }

  close(): void {
    for (const id of [...this.panes.keys()]) this.untrack(id);
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
  }
}
