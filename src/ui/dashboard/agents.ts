/**
 * The dashboard's agent rows: what the controller's `agents` answer, `agent.state` and `recovery.*`
 * records, the task queue and the Maildir counts say about each agent, folded into one row. Pure,
 * so the order a person relies on (waiting for you first) is unit-tested without a terminal.
 */
import type { ReplyOf } from '../../ipc/messages/index.js';
import type { PaneStatus } from '../../ipc/protocol.js';

export type AgentReply = ReplyOf<'agents'>[number];

/** The states a row can show: the controller's, plus `recovering` (a recovery attempt is under way). */
export type RowState =
  | 'waiting-for-input' | 'rate-limited' | 'unresponsive' | 'recovering' | 'dead'
  | 'busy' | 'starting' | 'idle' | 'unknown';

/** Glyph and word for each state; one column wide each, so rows line up on any terminal. */
export const STATE_LOOK: Readonly<Record<RowState, { glyph: string; word: string }>> = {
  'waiting-for-input': { glyph: '?', word: 'waiting for you' },
  'rate-limited': { glyph: '~', word: 'rate-limited' },
  unresponsive: { glyph: '!', word: 'unresponsive' },
  recovering: { glyph: '+', word: 'recovering' },
  dead: { glyph: 'x', word: 'dead' },
  busy: { glyph: '*', word: 'busy' },
  starting: { glyph: '.', word: 'starting' },
  idle: { glyph: 'o', word: 'idle' },
  unknown: { glyph: ' ', word: 'unknown' },
};

/** Sort rank: what needs a person first, then trouble, then work, then rest. */
const RANK: Readonly<Record<RowState, number>> = {
  'waiting-for-input': 0, 'rate-limited': 1, unresponsive: 2, recovering: 3, dead: 4, busy: 5, starting: 6, idle: 7, unknown: 8,
};

export interface AgentRow {
  name: string;
  paneId: string;
  state: RowState;
  /** Why it is in that state (the signal's reason), or ''. */
  reason: string;
  /** ms epoch the state began; `sinceKnown` false when it began before the dashboard looked. */
  since: number;
  sinceKnown: boolean;
  task: string;
  queued: number;
  failed: number;
  branch: string;
  lastLine: string;
  command: string;
  /** False for a plain shell pane (no agent CLI behind it). */
  agent: boolean;
  /** Lines added/removed against its base (the `diff` message), once fetched. */
  diff: { added: number; removed: number; files: number } | null;
  /** Output per interval, oldest first (activity.ts). */
  spark: string;
  /** Share of the model's context window in use, and the cost ESTIMATE so far, when known. */
  context: number | null;
  cost: number | null;
}

/** What the dashboard remembers between answers, by agent name. */
export interface AgentMemory {
  /** When each agent entered its current state (from `agent.state` records, or first sight). */
  since: Map<string, { state: string; at: number; known: boolean; reason?: string }>;
  /** Agents with a recovery attempt under way. */
  recovering: Set<string>;
  inbox: Map<string, { queued: number; failed: number }>;
  lastLine: Map<string, string>;
  /** Agent → text of the task it holds (assigned or started). */
  tasks: Map<string, string>;
}

export function emptyMemory(): AgentMemory {
  return { since: new Map(), recovering: new Set(), inbox: new Map(), lastLine: new Map(), tasks: new Map() };
}

function asState(s: string | undefined): RowState {
  return s !== undefined && s in RANK ? (s as RowState) : 'unknown';
}

interface Ev { ts: number; type: string; payload: unknown }

/** Folds one journal record into the memory; true when it changed something a row shows. */
export function noteEvent(mem: AgentMemory, e: Ev): boolean {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const agent = typeof p['name'] === 'string' ? p['name'] : typeof p['agent'] === 'string' ? p['agent'] : undefined;
  if (e.type === 'agent.state' && agent) {
    mem.since.set(agent, { state: String(p['state']), at: e.ts, known: true, reason: String(p['reason'] ?? '') });
    return true;
  }
  if (e.type === 'recovery.attempt' && agent) return (mem.recovering.add(agent), true);
  if (/^recovery\.(succeeded|gave-up|escalated)$/.test(e.type) && agent) return mem.recovering.delete(agent);
  return false;
}

/** Rows from the controller's answers; `panes` adds the shells the layout started (not agents). */
export function buildRows(agents: AgentReply[], panes: PaneStatus[], mem: AgentMemory, now = Date.now()): AgentRow[] {
  const rows: AgentRow[] = [];
  const seen = new Set<string>();
  for (const a of agents) {
    seen.add(a.name);
    // A record newer than the answer wins: the answer may have been asked for before it.
    const heard = mem.since.get(a.name);
    const fresh = heard?.known === true;
    let state = asState(fresh ? heard.state : a.state);
    if (!a.alive) state = 'dead';
    if (mem.recovering.has(a.name)) state = 'recovering';
    const why = fresh && heard.state === state ? (heard.reason ?? '') : (a.reason ?? '');
    rows.push(row(a.name, a.paneId, state, why, a.branch ?? '', a.command, true, mem, now));
  }
  for (const p of panes) {
    if (seen.has(p.name) || p.role === 'conductor' || p.role === 'dashboard') continue;
    const state: RowState = p.alive ? (p.role === 'agent' ? 'unknown' : 'idle') : 'dead';
    const why = p.alive ? (p.role === 'agent' ? '' : 'shell') : `exit ${p.deadStatus ?? '?'}`;
    rows.push(row(p.name, p.paneId, mem.recovering.has(p.name) ? 'recovering' : state, why, '', p.command, p.role === 'agent', mem, now));
  }
  return sortRows(rows);
}

function row(
  name: string, paneId: string, state: RowState, reason: string, branch: string, command: string, agent: boolean,
  mem: AgentMemory, now: number,
): AgentRow {
  let since = mem.since.get(name);
  // A state the records did not announce (or announced before we looked) counts from first sight.
  if (!since || since.state !== state) {
    since = { state, at: now, known: false };
    mem.since.set(name, since);
  }
  const box = mem.inbox.get(name);
  return {
    name, paneId, state, reason, branch, command, agent,
    since: since.at, sinceKnown: since.known,
    task: mem.tasks.get(name) ?? '',
    queued: box?.queued ?? 0, failed: box?.failed ?? 0,
    lastLine: mem.lastLine.get(name) ?? '',
    diff: null, spark: '', context: null, cost: null,
  };
}

/** Waiting for a person first, then trouble, then busy, then idle; by name within a state. */
export function sortRows(rows: AgentRow[]): AgentRow[] {
  // Names are a-z 0-9 _ - (NAME_PATTERN): code-unit order is their order, and far cheaper than
  // localeCompare at a sort per record.
  return [...rows].sort((a, b) => RANK[a.state] - RANK[b.state] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Rows whose name, state, branch, task or reason contain every word of the filter. */
export function filterRows(rows: AgentRow[], filter: string): AgentRow[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((r) => {
    const hay = [r.name, STATE_LOOK[r.state].word, r.branch, r.task, r.reason, r.command].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The task each agent holds now, from `task.list`. */
export function tasksByAgent(tasks: { text: string; assignee: string | null; state: string; id: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of tasks) {
    if (t.assignee && (t.state === 'assigned' || t.state === 'started')) out.set(t.assignee, `${t.id} ${t.text}`);
  }
  return out;
}
