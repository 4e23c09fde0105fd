import { mkdirSync } from 'node:fs';
import { writeFileNoFollow } from '../core/no-follow.js';
import { join } from 'node:path';
import type { ParsedMessage } from '../bus/format.js';
import { markDeliveredMany } from '../bus/reader.js';
import { commandStartReason } from '../bus/refuse.js';
import { isMiyabiError } from '../core/errors.js';
import type { EventSink } from '../core/events/index.js';
import { stillTyped, waitSubmitted } from './confirm.js';
import { pasteAndSubmit } from './submit-flow.js';
import { SubmitDelays } from './submit-delays.js';
import { holds } from './screen.js';
import { HookPrompts } from './prompts.js';
import type { OutputTracker } from './output-tracker.js';
import type { PaneLocks } from './pane-locks.js';
import { PendingInbox, takeBatch } from './pending.js';
import type { DeliveryProfile } from './profiles.js';
import { readiness } from './readiness.js';
import { probeOf, render, shortId, squeeze } from './render.js';
import type { Typist } from './typist.js';

export interface Recipient {
  name: string;
  paneId: string;
  profile: DeliveryProfile;
  header: string | false;
  mode: 'full' | 'notice';
  batch: boolean;
  pasteMax: number;
}

export type JournalLike = EventSink;

export interface DelivererDeps {
  busDir: string;
  typist: Typist;
  tracker: OutputTracker;
  locks: PaneLocks;
  journal: JournalLike;
  recipient(name: string): Recipient | null;
  /**
   * Ids a previous controller (or an attempt cut short by tmux going away) journaled as
   * `delivering` and never finished, with the absolute pane line where typing began (null when
   * not known).
   */
  inflight: Map<string, number | null>;
  /** Where the learned waits before the submit key are kept across restarts (submit-delays.ts). */
  delaysFile?: string;
}

/** tmux errors that say nothing about the message: it waits for the pane or the server. */
const DEFER = new Set(['TMUX_PANE_GONE', 'TMUX_UNREACHABLE', 'TMUX_TIMEOUT']);
const RECHECK_MS = 250;

/**
 * Takes messages from each recipient's `new/` in order and types them into its pane, one writer
 * per pane, and only when the pane is alive, quiet and its input line empty. At-least-once with
 * a guard (RELIABILITY.md, the bus): `delivering` is journaled (fsynced) before typing, and a
 * message caught between typing and recording is looked for on the pane before it is typed again.
 */
export class Deliverer {
  private readonly inboxes = new Map<string, PendingInbox>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Why a queued message is not going in yet, for `miyabi inbox`. */
  readonly waiting = new Map<string, string>();
  /** Whose inbox each waiting id is in, to forget it once it leaves new/. */
  private readonly waitingFor = new Map<string, string>();
  /** Per recipient, ids whose outcome is decided, even if moving the file to cur/ failed. */
  private readonly decided = new Map<string, Set<string>>();
  private readonly delays: SubmitDelays;
  /** What agents' own hooks said they took. */
  readonly prompts = new HookPrompts();
  private closed = false;

  constructor(private readonly d: DelivererDeps) {
    this.delays = new SubmitDelays(d.delaysFile, (error) => {
      try {
        d.journal.append('delivery.delays-error', { error });
      } catch {
        // said in `status` and `doctor` (the journal's health)
      }
    });
  }

  kick(name: string, delayMs = 0): void {
    if (this.closed) return;
    if (delayMs > 0) {
      if (this.timers.has(name)) return;
      const t = setTimeout(() => {
        this.timers.delete(name);
        this.kick(name);
      }, delayMs);
      t.unref();
      this.timers.set(name, t);
      return;
    }
    if (this.running.has(name)) {
      this.again.add(name);
      return;
    }
    this.running.add(name);
    void this.pass(name)
      .catch((e) => {
        // The messages wait with the reason (`inbox` shows it); the next sweep tries again. A
        // journal that refuses this record too (full backlog) must not make a rejection of it.
        this.wait(this.inboxes.get(name)?.seen ?? [], e instanceof Error ? e.message : String(e));
        try {
          this.d.journal.append('delivery.error', { to: name, error: String(e) });
        } catch {
          // said in `status` and `doctor` (the journal's health)
        }
      })
      .finally(() => {
        this.running.delete(name);
        if (this.again.delete(name)) this.kick(name);
      });
  }

  /** Messages seen waiting in `name`'s inbox at the last pass. */
  pendingFor(name: string): number {
    return this.inboxes.get(name)?.size ?? 0;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private inbox(name: string): PendingInbox {
    let box = this.inboxes.get(name);
    if (!box) this.inboxes.set(name, (box = new PendingInbox(this.d.busDir, name)));
    return box;
  }

  private async pass(name: string): Promise<void> {
    while (!this.closed) {
      const box = this.inbox(name);
      const { messages: all, quarantined } = box.refresh();
      for (const q of quarantined) this.d.journal.append('message.quarantined', { to: name, ...q });
      // A message whose outcome is decided but whose rename failed is never typed again; what
      // has left new/ is forgotten here, and so is why it waited.
      const present = new Set(all.map((m) => m.id));
      const decided = this.decided.get(name) ?? new Set<string>();
      for (const id of decided) if (!present.has(id)) decided.delete(id);
      for (const [id, to] of this.waitingFor) if (to === name && !present.has(id)) this.forgetWaiting(id);
      const messages = all.filter((m) => !decided.has(m.id));
      const first = messages[0];
      if (!first) return;
      const r = this.d.recipient(name);
      if (!r) {
        this.wait(messages, `no pane for ${name}`);
        return;
      }
      // Recovery, readiness and typing under one hold of the pane: no other writer gets between.
      const hold = await this.d.locks.withPane(r.paneId, async () => {
        if (this.d.inflight.has(first.id)) {
          // Each message a dead controller (or a lost tmux) may have typed is looked for first.
          if ((await this.recover(r, first)) !== 'absent') return null;
        }
        const ready = await readiness(this.d.typist, this.d.tracker, r.profile, r.paneId, first);
        if ('reason' in ready) return ready;
        const batch = r.batch ? takeBatch(messages, r.pasteMax, this.d.inflight) : [first];
        for (const m of batch) this.forgetWaiting(m.id);
        await this.deliver(r, batch, ready.line, ready.blind, ready.alt);
        return null;
      });
      if (hold) {
        this.wait(messages, hold.reason);
        this.kick(name, hold.retryMs);
        return;
      }
    }
  }

  private wait(messages: ParsedMessage[], reason: string): void {
    for (const m of messages) {
      this.waiting.set(m.id, reason);
      this.waitingFor.set(m.id, m.to);
    }
  }

  private forgetWaiting(id: string): void {
    this.waiting.delete(id);
    this.waitingFor.delete(id);
  }

  private async deliver(r: Recipient, batch: ParsedMessage[], line: number, blind: boolean, alt: boolean): Promise<void> {
    const ids = batch.map((m) => m.id);
    const rendered = batch.map((m) => render(m, { header: r.header, mode: r.mode, pasteMax: r.pasteMax, fileFor: (x) => this.noticeFile(r.name, x), shell: r.profile.name === 'shell' }));
    const text = rendered.map((x) => x.text).join('\n');
    const refused = refusal(r, text);
    if (refused) return this.finish(r, batch, 'F', { outcome: 'refused', reason: refused });
    const probe = probeOf(text);
    // `line` lets a later controller look for exactly this typing, and nothing printed before it.
    this.d.journal.appendDurable('message.delivering', { to: r.name, pane: r.paneId, ids, line });
    const known = this.delays.get(r.name, r.profile);
    try {
      const res = await pasteAndSubmit(
        {
          typist: this.d.typist,
          tracker: this.d.tracker,
          closed: () => this.closed,
          hookSaw: (probe, since) => this.prompts.saw(r.name, probe, since),
          note: (why) => (why === null ? ids.forEach((id) => this.forgetWaiting(id)) : this.wait(batch, why)),
        },
        { paneId: r.paneId, profile: r.profile, text, probe, line, blind, alt, delayMs: known ?? r.profile.submitDelayMs },
      );
      this.delays.learn(r.name, r.profile, res);
      const delay = res.attempts > 1 && res.delayMs !== undefined ? { submitDelayMs: res.delayMs } : {};
      if (res.outcome === 'unconfirmed') return this.finish(r, batch, 'F', { outcome: 'unconfirmed', attempts: res.attempts, reason: res.reason ?? 'not seen in the pane' });
      return this.finish(r, batch, 'D', { outcome: res.outcome, attempts: res.attempts, ...delay });
    } catch (e) {
      if (isMiyabiError(e) && DEFER.has(e.code)) {
        // Not a failure of the message: it stays in new/, and is looked for before it is typed
        // again, since tmux may have taken the paste before it went away.
        for (const id of ids) this.d.inflight.set(id, line);
        this.d.journal.append('message.deferred', { to: r.name, ids, reason: e.message });
        this.kick(r.name, RECHECK_MS);
        throw e;
      }
      // Whatever went wrong, the paste may have gone in: reported, never typed again.
      this.finish(r, batch, 'F', { outcome: 'unconfirmed', reason: String(e) });
    }
  }

  /**
   * After a crash between typing and recording: look for the message in what the pane printed
   * from where its typing began (journaled), by its `#id` header, or its text when it has no
   * header. Found and submitted: delivered, typed nothing. Found in the input line and the submit
   * key does not take: failed. Not found: 'absent', and it goes in as usual.
   */
  private async recover(r: Recipient, msg: ParsedMessage): Promise<'delivered' | 'failed' | 'absent'> {
    const { text } = render(msg, { header: r.header, mode: r.mode, pasteMax: r.pasteMax, fileFor: (x) => this.noticeFile(r.name, x), shell: r.profile.name === 'shell' });
    const probe = probeOf(text);
    const line = this.d.inflight.get(msg.id) ?? null;
    const marker = r.header !== false && r.header.includes('{id}') ? `#${shortId(msg.id)}` : probe;
    // With no journaled line only an id marker is trusted: a bare text could be anywhere in history.
    const screen = line === null ? (marker === probe ? '' : squeeze(await this.d.typist.screen(r.paneId, 5000))) : squeeze(await this.d.typist.screenSince(r.paneId, line));
    if (marker === '' || !screen.includes(marker)) {
      this.d.inflight.delete(msg.id);
      return 'absent';
    }
    if (await this.stillHeld(r, probe)) {
      const mark = this.d.tracker.mark(r.paneId);
      await this.d.typist.submit(r.paneId, r.profile);
      if ((await waitSubmitted(this.d.typist, this.d.tracker, r.paneId, r.profile, probe, mark)) === 'not-submitted') {
        this.finish(r, [msg], 'F', { outcome: 'unconfirmed', reason: 'found typed after a restart, but the submit key did not take', recovered: true });
        this.d.inflight.delete(msg.id);
        return 'failed';
      }
    }
    this.finish(r, [msg], 'D', { outcome: 'submitted', recovered: true });
    this.d.inflight.delete(msg.id);
    return 'delivered';
  }

  /** The input area (a full-screen agent's box, else the cursor line) still holds the text. */
  private async stillHeld(r: Recipient, probe: string): Promise<boolean> {
    const re = r.profile.inputLine;
    if (r.profile.inputArea === 'screen' && re) return holds(await this.d.typist.shot(r.paneId), probe, { inputLine: re });
    return stillTyped(squeeze(await this.d.typist.cursorLine(r.paneId)), probe);
  }

  private finish(r: Recipient, batch: ParsedMessage[], flag: 'D' | 'F', info: { outcome: string; reason?: string; attempts?: number; recovered?: boolean; submitDelayMs?: number }): void {
    let decided = this.decided.get(r.name);
    if (!decided) this.decided.set(r.name, (decided = new Set()));
    for (const m of batch) decided.add(m.id);
    for (const f of markDeliveredMany(this.d.busDir, r.name, batch.map((m) => m.id), flag)) {
      this.d.journal.append('delivery.error', { to: r.name, id: f.id, error: String(f.error) });
    }
    const ids = batch.map((m) => m.id);
    const ms = Date.now() - Math.min(...batch.map((m) => m.created));
    if (flag === 'D') this.d.journal.appendDurable('message.delivered', { to: r.name, pane: r.paneId, ids, ms, ...info });
    else this.d.journal.appendDurable('message.failed', { to: r.name, pane: r.paneId, ids, ...info });
  }

  private noticeFile(name: string, msg: ParsedMessage): string {
    const dir = join(this.d.busDir, name, 'files');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${msg.id}.txt`);
    writeFileNoFollow(file, msg.body);
    return file;
  }
}

/** Why `text` must not be typed into this pane at all, or null. */
function refusal(r: Recipient, text: string): string | null {
  // On tmux 3.3a nothing in a paste is escaped: this sequence would end a bracketed paste early.
  if (text.includes('\x1b[201~')) return 'holds the bracketed-paste end sequence ESC [201~';
  if (r.header === false && r.profile.commandStart?.test(text)) {
    return commandStartReason(r.profile.name);
  }
  return null;
}
