import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import type { PaneLayout, SessionLayout } from '../config/layout-types.js';
import type { EventSink } from '../core/events/index.js';
import { paneEnv, type SpecContext } from '../agents/session-spec.js';
import type { PaneSpec } from '../tmux/port.js';
import { conversationData, launchArgv, learnId, neverRestarts } from './conversation.js';
import { idFromOpenFiles } from './open-files.js';

/** What a pane was started with once the agents part placed it (worktree cwd, its env, hook args). */
export interface Placed {
  cwd: string;
  argv: string[];
  /** Only the variables placing added or changed (the rest comes from the layout again). */
  env: Record<string, string>;
}

/** The recovery part's share of the snapshot. */
export interface RecoverySnapshot {
  placed: Record<string, Placed>;
  /** Agent → its CLI's conversation id. */
  conversations: Record<string, string>;
  /** Set when the controller stopped for `down`: the next `up` starts new conversations. */
  down?: boolean;
}

/** What placing changed of each pane, to start it the same way again later. */
export function placedOf(original: SessionLayout, prepared: SessionLayout): Record<string, Placed> {
  const out: Record<string, Placed> = {};
  const before = new Map(original.windows.flatMap((w) => w.panes).map((p) => [p.name, p]));
  for (const p of prepared.windows.flatMap((w) => w.panes)) {
    const o = before.get(p.name);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.env)) if (o?.env[k] !== v) env[k] = v;
    out[p.name] = { cwd: p.cwd, argv: [...p.command.argv], env };
  }
  return out;
}

/**
 * Each pane's spec for a restart: its command (with its conversation), cwd, env and worktree, as
 * it was first started. Layout panes come from the layout and what placing did to them; spawned
 * agents from what `spawn` recorded.
 */
export class PaneSpecs {
  constructor(
    private readonly layout: SessionLayout,
    private readonly ctx: SpecContext,
    private readonly state: RecoverySnapshot,
    private readonly spawned: () => ReadonlyMap<string, { pane: PaneLayout }>,
    private readonly journal: EventSink,
    private readonly home = homedir(),
  ) {}

  private layoutPane(name: string): PaneLayout | undefined {
    return this.layout.windows.flatMap((w) => w.panes).find((p) => p.name === name);
  }

  has(name: string): boolean {
    return this.layoutPane(name) !== undefined || this.spawned().has(name);
  }

  windowOf(name: string): string {
    return this.layout.windows.find((w) => w.panes.some((p) => p.name === name))?.name ?? this.layout.windows[0]?.name ?? 'main';
  }

  neverRestart(name: string): boolean {
    const p = this.layoutPane(name) ?? this.spawned().get(name)?.pane;
    return p !== undefined && neverRestarts(p.command.argv, p.profile);
  }

  spec(name: string, restart: boolean): PaneSpec | null {
    const lp = this.layoutPane(name);
    const sp = this.spawned().get(name)?.pane;
    const pane = lp ?? sp;
    if (!pane) return null;
    const layout = lp ? this.layout : { source: 'spawn', session: this.layout.session, root: this.layout.root, env: {}, windows: [] };
    const placed = this.state.placed[name];
    const env = { ...paneEnv(layout, pane, this.ctx), ...(placed?.env ?? {}) };
    const cwd = placed?.cwd ?? pane.cwd;
    const base = placed?.argv ?? pane.command.argv;
    if (pane.role !== 'agent') return { name, role: pane.role, argv: base, cwd, env };
    const { cli, data } = conversationData(base, pane.profile);
    const known = this.state.conversations[name] ?? null;
    const l = launchArgv(base, { data, known, restart, home: env.HOME ?? this.home, cwd });
    if (l.sessionId && l.sessionId !== known) this.state.conversations[name] = l.sessionId;
    if ((restart && cli !== 'shell') || l.mode === 'new') {
      this.journal.append('recovery.conversation', { agent: name, cli, mode: l.mode, sessionId: l.sessionId, ...(l.reason ? { reason: l.reason } : {}) });
    }
    return { name, role: pane.role, argv: l.argv, cwd, env };
  }

  /** A CLI that chooses its own id (Codex) told it: keep it, so a restart resumes it. */
  learn(name: string, startedAt: number, pid?: number): void {
    if (this.state.conversations[name]) return;
    const pane = this.layoutPane(name) ?? this.spawned().get(name)?.pane;
    if (!pane || pane.role !== 'agent') return;
    const argv = this.state.placed[name]?.argv ?? pane.command.argv;
    const { cli, data } = conversationData(argv, pane.profile);
    if (!data?.learn && !data?.learnOpenFile) return;
    const claimed = new Set(Object.values(this.state.conversations));
    let id: string | null = null;
    if (data.learnOpenFile && pid) {
      // Scans /proc: at most every 2 s per agent until the id is known.
      const last = this.lookedAt.get(name) ?? 0;
      if (Date.now() - last < 2000) return;
      this.lookedAt.set(name, Date.now());
      id = idFromOpenFiles(pid, new RegExp(data.learnOpenFile));
      if (id && claimed.has(id)) id = null;
      if (!id && existsSync('/proc/self/fd')) return; // where /proc tells, a shared index file is not trusted
    }
    id ??= learnId(data, { home: pane.env.HOME ?? this.home, since: startedAt, claimed });
    if (!id) return;
    this.state.conversations[name] = id;
    this.journal.append('recovery.conversation', { agent: name, cli, mode: 'learned', sessionId: id });
  }

  private readonly lookedAt = new Map<string, number>();

  /** Ids kept in the journal by earlier controllers (the snapshot may be older). */
  fold(records: Iterable<{ type: string; payload?: unknown }>): void {
    for (const r of records) {
      if (r.type !== 'recovery.conversation') continue;
      const p = r.payload as { agent: string; sessionId: string | null };
      if (p.sessionId) this.state.conversations[p.agent] = p.sessionId;
    }
  }
}

/** One AI agent's conversation at the session's build: the journal keeps it (recovery.conversation). */
export interface Launched {
  agent: string;
  cli: string;
  mode: 'new' | 'resume';
  sessionId: string;
  reason?: string;
}

/**
 * Gives the layout's AI agents their conversation id when the session is built (prepare). With
 * `resume` (the session is built again after a crash, a killed tmux server, a reboot) an agent
 * whose id is known gets its own conversation back; otherwise (first `up`, `up` after `down`) a new one.
 */
export function withConversations(layout: SessionLayout, state: RecoverySnapshot, o: { resume: boolean; home?: string; launched?: Launched[] }): SessionLayout {
  const windows = layout.windows.map((w) => ({
    ...w,
    panes: w.panes.map((p) => {
      if (p.role !== 'agent' || p.command.kind === 'shell') return p;
      const { cli, data } = conversationData(p.command.argv, p.profile);
      const known = o.resume ? (state.conversations[p.name] ?? null) : null;
      const l = launchArgv(p.command.argv, { data, known, restart: known !== null, home: p.env.HOME ?? o.home ?? homedir(), cwd: p.cwd });
      if (l.mode === 'fresh' || !l.sessionId) {
        if (!o.resume) delete state.conversations[p.name];
        return p;
      }
      state.conversations[p.name] = l.sessionId;
      o.launched?.push({ agent: p.name, cli, mode: l.mode, sessionId: l.sessionId, ...(l.reason ? { reason: l.reason } : {}) });
      return { ...p, command: { ...p.command, argv: l.argv } };
    }),
  }));
  return { ...layout, windows };
}
