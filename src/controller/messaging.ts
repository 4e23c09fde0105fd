import { rmSync, watch, type FSWatcher } from 'node:fs';
import { writeFileNoFollow } from '../core/no-follow.js';
import { join } from 'node:path';
import { deliveryFor } from '../agents/states/index.js';
import { busDirOf, clearStopped, ensureInbox, markStopped } from '../bus/layout.js';
import { cleanStaleTmp } from '../bus/reader.js';
import { writeMessage } from '../bus/writer.js';
import { writeRefuseRule } from '../bus/refuse.js';
import type { SessionLayout, PaneLayout } from '../config/layout-types.js';
import type { JournalRecord } from '../core/journal.js';
import type { ProjectPaths } from '../core/paths.js';
import { Deliverer, type JournalLike, type Recipient } from '../delivery/deliverer.js';
import { OutputTracker } from '../delivery/output-tracker.js';
import { PaneLocks } from '../delivery/pane-locks.js';
import type { DeliveryProfile } from '../delivery/profiles.js';
import { DEFAULT_HEADER, DEFAULT_PASTE_MAX } from '../delivery/render.js';
import { Typist, type PaneRunner } from '../delivery/typist.js';
import type { PaneInfo } from '../tmux/port.js';
import { MessageOutcomes, type AppendSource } from './message-outcomes.js';
import { takesMessages } from '../session/prepare.js';

export const DEFAULT_RELAY = '^@(?<to>[a-z][a-z0-9_-]{0,31}): (?<text>.+)$';
const SWEEP_MS = 1000;
const RELAY_DEDUP_MS = 5000;
const STALE_TMP_MS = 60 * 60 * 1000;

/**
 * Ids journaled `delivering` and never finished (from the journal after the last snapshot), each
 * with the absolute pane line where its typing began.
 */
export function inflightIds(records: Iterable<JournalRecord>, fromSnapshot: Iterable<[string, number | null]> = []): Map<string, number | null> {
  const m = new Map<string, number | null>(fromSnapshot);
  for (const r of records) {
    const p = (r.payload ?? {}) as { ids?: string[]; line?: number };
    const ids = p.ids ?? [];
    if (r.type === 'message.delivering') for (const id of ids) m.set(id, typeof p.line === 'number' ? p.line : null);
    else if (r.type === 'message.delivered' || r.type === 'message.failed') for (const id of ids) m.delete(id);
  }
  return m;
}

/**
 * The message bus inside the controller: inboxes for the layout's panes, a watcher on each
 * `new/` (a hint) plus a periodic rescan (the truth), the deliverer, pane output into logs, and
 * relay of `@agent: text` lines printed by an agent into messages.
 */
export class Messaging {
  readonly busDir: string;
  readonly tracker: OutputTracker;
  readonly locks = new PaneLocks();
  private readonly deliverer: Deliverer;
  /** What became of each message, for `send --wait` (message.wait). */
  readonly outcomes: MessageOutcomes;
  private readonly configs = new Map<string, RecipientConfig>();
  private paneIds = new Map<string, string>();
  private readonly watchers = new Map<string, FSWatcher>();
  private started = false;
  private sweep?: NodeJS.Timeout;
  private closed = false;

  constructor(
    paths: ProjectPaths,
    layout: SessionLayout,
    private readonly tmux: PaneRunner,
    private readonly journal: JournalLike & AppendSource,
    inflight: Map<string, number | null>,
  ) {
    this.busDir = busDirOf(paths);
    this.tracker = new OutputTracker(paths.logs);
    this.outcomes = new MessageOutcomes(this.busDir, journal);
    for (const w of layout.windows) for (const p of w.panes) if (takesMessages(p)) this.configure(p);
    this.deliverer = new Deliverer({
      busDir: this.busDir,
      typist: new Typist(tmux, paths.paste),
      tracker: this.tracker,
      locks: this.locks,
      journal,
      inflight,
      delaysFile: join(paths.state, 'submit-delays.json'),
      recipient: (name) => {
        const c = this.configs.get(name);
        const paneId = this.paneIds.get(name);
        return c && paneId ? { ...c, paneId } : null;
      },
    });
    this.tracker.onLine((name, _pane, line) => this.relay(name, line));
  }

  private configure(p: PaneLayout): RecipientConfig {
    const c = recipientConfig(p);
    this.configs.set(p.name, c);
    const box = ensureInbox(this.busDir, p.name);
    // Senders read the layout's cap from here (send and scripts/miyabi-send.sh).
    if (c.inboxCap !== undefined) writeFileNoFollow(join(box.root, 'cap'), `${c.inboxCap}\n`);
    else rmSync(join(box.root, 'cap'), { force: true });
    const cs = c.header === false ? c.profile.commandStart : undefined;
    writeRefuseRule(box.root, cs ? { profile: c.profile.name, commandStart: cs.source } : null);
    return c;
  }

  private watchInbox(name: string): void {
    try {
      const w = watch(join(this.busDir, name, 'new'), () => this.deliverer.kick(name));
      w.on('error', (e) => this.journal.append('bus.watch-error', { to: name, error: String(e) }));
      this.watchers.set(name, w);
    } catch (e) {
      this.journal.append('bus.watch-error', { to: name, error: String(e) });
    }
  }

  /** An agent spawned after `up` takes messages like the layout's own. */
  addRecipient(p: PaneLayout, pane: PaneInfo): void {
    this.configure(p);
    clearStopped(this.busDir, p.name);
    this.paneIds.set(p.name, pane.paneId);
    this.tracker.track(pane.paneId, p.name);
    if (this.started) this.watchInbox(p.name);
    this.deliverer.kick(p.name);
  }

  /**
   * Its inbox stays on disk (messages wait there, `inbox` shows them); nothing goes in, and
   * senders refuse it (bus/layout.ts `stopped`) until it is started again.
   */
  removeRecipient(name: string, why: string): void {
    markStopped(this.busDir, name, why);
    this.configs.delete(name);
    this.watchers.get(name)?.close();
    this.watchers.delete(name);
    const id = this.paneIds.get(name);
    if (id) this.tracker.untrack(id);
    this.paneIds.delete(name);
  }

  /** What the router needs of an agent's pane: when it last printed, and messages still waiting. */
  activity(name: string): { paneId: string; lastOutputAt: number; since: number; waiting: number } | null {
    const paneId = this.paneIds.get(name);
    if (!paneId) return null;
    const since = Date.now() - this.tracker.age(paneId);
    return { paneId, lastOutputAt: this.tracker.lastOutputAt(paneId), since, waiting: this.deliverer.pendingFor(name) };
  }

  get recipients(): string[] {
    return [...this.configs.keys()];
  }

  start(panes: PaneInfo[]): void {
    this.updatePanes(panes);
    // A layout agent stopped by `kill` takes messages again once a session gives it a pane.
    for (const name of this.paneIds.keys()) clearStopped(this.busDir, name);
    for (const removed of cleanStaleTmp(this.busDir, STALE_TMP_MS)) this.journal.append('message.tmp-cleaned', { path: removed });
    // fs.watch on each new/ rather than chokidar: it wakes the deliverer in ≈ 0.4 ms where
    // chokidar's stat-then-emit took ≈ 1.7 ms (measured here), and the latency target is 5 ms.
    // The watcher is only a hint; the rescan below is the truth.
    for (const name of this.configs.keys()) this.watchInbox(name);
    this.started = true;
    void this.seedLogs();
    this.sweep = setInterval(() => this.kickAll(), SWEEP_MS);
    this.sweep.unref();
    this.kickAll();
  }

  /** A pane's first screen (drawn before miyabi watched it) into its empty log. */
  private async seedLogs(): Promise<void> {
    for (const id of this.tracker.unwritten()) {
      try {
        const pane = this.tmux.pane(id);
        const [x = ''] = await pane.run('display-message', ['-p', '#{cursor_x}']);
        this.tracker.seed(id, (await pane.run('capture-pane', ['-p', '-J'])).join('\n'), x === '' ? undefined : Number(x));
      } catch {
        // Gone or dead: nothing to show, and the sweep tells the rest.
      }
    }
  }

  /** Pane ids change on respawn and server restarts: keep the name → %id map current. */
  updatePanes(panes: PaneInfo[]): void {
    if (this.closed) return; // a sweep that was under way as we stopped
    const ids = new Map<string, string>();
    for (const p of panes) {
      if (!this.configs.has(p.agent)) continue;
      ids.set(p.agent, p.paneId);
      this.tracker.track(p.paneId, p.agent);
      if (p.width !== undefined) this.tracker.resize(p.paneId, p.width);
    }
    for (const [name, id] of this.paneIds) if (ids.get(name) !== id) this.tracker.untrack(id);
    this.paneIds = ids;
  }

  onOutput(paneId: string, data: Buffer): void {
    this.tracker.feed(paneId, data);
  }

  kickAll(): void {
    for (const name of this.configs.keys()) this.deliverer.kick(name);
  }

  /** An agent's own hook says it took a prompt: the deliverer's strongest proof of a submit. */
  promptSubmitted(name: string, prompt: string): void {
    this.deliverer.prompts.add(name, prompt);
    this.journal.append('agent.prompt', { name, chars: [...prompt].length });
  }

  waitingReasons(): Record<string, string> {
    return Object.fromEntries(this.deliverer.waiting);
  }


  /** Recently relayed lines: TUIs repaint a line many times, and each repaint is one relay. */
  private readonly relayed = new Map<string, number>();

  private relay(from: string, line: string): void {
    const re = this.configs.get(from)?.relay;
    if (!re || line.includes('[from ')) return;
    const m = re.exec(line);
    const to = m?.groups?.to;
    const text = m?.groups?.text;
    if (!to || !text) return;
    const key = `${from}\0${to}\0${text}`;
    const now = Date.now();
    for (const [k, t] of this.relayed) if (now - t > RELAY_DEDUP_MS) this.relayed.delete(k);
    if (this.relayed.has(key)) return;
    this.relayed.set(key, now);
    if (!this.configs.has(to)) {
      this.journal.append('relay.unknown-recipient', { from, to });
      return;
    }
    try {
      const r = writeMessage(this.busDir, { from, to, text });
      this.journal.append('relay.sent', { from, to, id: r.id });
    } catch (e) {
      this.journal.append('relay.refused', { from, to, error: String(e) });
    }
  }

  close(): void {
    this.outcomes.close();
    this.closed = true;
    clearInterval(this.sweep);
    for (const w of this.watchers.values()) w.close();
    this.deliverer.close();
    this.tracker.close();
  }
}

type RecipientConfig = Omit<Recipient, 'paneId'> & { relay: RegExp | null; inboxCap?: number };

function recipientConfig(p: PaneLayout): RecipientConfig {
  const m = p.messages ?? {};
  const profile: DeliveryProfile = {
    ...deliveryFor(p.command.argv, p.profile),
    ...(m.submitKey !== undefined ? { submitKey: m.submitKey } : {}),
    ...(m.submitDelayMs !== undefined ? { submitDelayMs: m.submitDelayMs } : {}),
    ...(m.settleMs !== undefined ? { settleMs: m.settleMs } : {}),
    ...(m.readyGraceMs !== undefined ? { readyGraceMs: m.readyGraceMs } : {}),
    ...(m.readLimitMs !== undefined ? { readLimitMs: m.readLimitMs } : {}),
  };
  return {
    name: p.name,
    profile,
    header: m.header ?? (profile.header ? DEFAULT_HEADER : false),
    mode: m.delivery ?? 'full',
    batch: m.batch ?? false,
    pasteMax: DEFAULT_PASTE_MAX,
    relay: m.relay === false ? null : new RegExp(m.relay ?? DEFAULT_RELAY),
    ...(m.inboxCap !== undefined ? { inboxCap: m.inboxCap } : {}),
  };
}
