/**
 * The router: which queued task goes to which agent now, and which started tasks ran out of time.
 * Pure functions of the queue, the agents' live view and the time; the controller turns each
 * answer into records (`queue.assign`, `queue.timeOut`) and hands the task over through the bus.
 *
 * Rules of `nextAssignments`:
 *  - only agents whose state is `idle` and that hold no task (assigned or started) take one, and
 *    each takes at most one per call: never two tasks at once to one agent;
 *  - tasks go in queue order: priority (high, normal, low), then age;
 *  - a task pinned to an agent waits for that agent (it never blocks the tasks behind it);
 *  - an unpinned task takes the least recently busy free agent; on equal `lastBusyAt` the better
 *    recent success rate wins (on tasks with the same labels, where the agent has done some), then
 *    the shorter recent task duration, then the name (so the answer is deterministic). It leaves agents
 *    that a pinned task further down the queue is waiting for to the last, so that it does not take
 *    the one agent a pinned task can use while another agent sits free.
 */
import type { Task } from './types.js';
import type { TaskQueue } from './queue.js';

export interface RouterAgent {
  name: string;
  /** The agent's live state; only 'idle' takes work. */
  state: string;
  /** When it was last busy (ms); null = never, which counts as least recently busy. */
  lastBusyAt: number | null;
  /** Recent success rate in [0, 1] (feedback); null = no recent tasks, counted as 0.5. */
  recentSuccess: number | null;
  /** Median duration of its recent finished tasks (ms); null = none. Shorter wins a tie. */
  recentMs?: number | null;
  /** Recent success rate per task label; a task's labels use these before `recentSuccess`. */
  labelSuccess?: Record<string, number>;
}

export interface Assignment {
  taskId: string;
  agent: string;
}

const UNKNOWN_SUCCESS = 0.5;

function successOf(a: RouterAgent, labels: readonly string[] = []): number {
  // With labels, the agent's record on tasks like this one, where it has one.
  const known = labels.map((l) => a.labelSuccess?.[l]).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const r = known.length ? known.reduce((x, y) => x + y, 0) / known.length : a.recentSuccess;
  return r === null || !Number.isFinite(r) ? UNKNOWN_SUCCESS : Math.min(1, Math.max(0, r));
}

/** Unknown durations rank after known ones: a measured fast agent beats an unmeasured one. */
const msOf = (a: RouterAgent): number => (a.recentMs === null || a.recentMs === undefined || !Number.isFinite(a.recentMs) ? Infinity : a.recentMs);

function better(a: RouterAgent, b: RouterAgent, labels: readonly string[]): number {
  const ms = msOf(a) === msOf(b) ? 0 : msOf(a) < msOf(b) ? -1 : 1;
  return successOf(b, labels) - successOf(a, labels) || ms || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Free agents, best first: least recently busy, then better recent success, then shorter recent tasks, then name. */
export function rankFreeAgents(queue: TaskQueue, agents: readonly RouterAgent[], now: number): RouterAgent[] {
  const busy = queue.busyAgents();
  const seen = new Set<string>();
  const free: RouterAgent[] = [];
  for (const a of agents) {
    if (seen.has(a.name)) continue;
    seen.add(a.name);
    if (a.state === 'idle' && !busy.has(a.name)) free.push(a);
  }
  // A lastBusyAt in the future (clock stepped back) counts as now.
  const last = (a: RouterAgent): number => (a.lastBusyAt === null ? -Infinity : Math.min(a.lastBusyAt, now));
  return free.sort((a, b) => last(a) - last(b) || better(a, b, []));
}

/**
 * For a labelled task: among the free agents that tie with the first on least-recently-busy, the
 * best on tasks with these labels (its index in `free`).
 */
function pickForLabels(free: readonly RouterAgent[], from: readonly number[], labels: readonly string[], now: number): number {
  if (labels.length === 0 || from.length < 2) return from[0] ?? -1;
  const last = (a: RouterAgent): number => (a.lastBusyAt === null ? -Infinity : Math.min(a.lastBusyAt, now));
  const first = free[from[0] as number] as RouterAgent;
  const tied = from.filter((i) => last(free[i] as RouterAgent) === last(first));
  return tied.reduce((best, i) => (better(free[i] as RouterAgent, free[best] as RouterAgent, labels) < 0 ? i : best), tied[0] as number);
}

/** Which queued task goes to which free agent now (in queue order). */
export function nextAssignments(queue: TaskQueue, agents: readonly RouterAgent[], now: number): Assignment[] {
  const ranked = rankFreeAgents(queue, agents, now);
  const free = ranked.map((a) => a.name);
  if (free.length === 0) return [];
  const tasks = queue.queued();
  // How many pinned tasks still wait for each agent.
  const wanted = new Map<string, number>();
  for (const t of tasks) if (t.agent !== null) wanted.set(t.agent, (wanted.get(t.agent) ?? 0) + 1);

  const out: Assignment[] = [];
  for (const t of tasks) {
    if (free.length === 0) break;
    let pick: number;
    if (t.agent !== null) {
      wanted.set(t.agent, (wanted.get(t.agent) ?? 1) - 1);
      pick = free.indexOf(t.agent);
    } else {
      const open = free.map((name, i) => ((wanted.get(name) ?? 0) === 0 ? i : -1)).filter((i) => i >= 0);
      pick = open.length ? pickForLabels(ranked, open, t.labels, now) : 0;
    }
    if (pick < 0) continue;
    out.push({ taskId: t.id, agent: free[pick]! });
    free.splice(pick, 1);
    ranked.splice(pick, 1);
  }
  return out;
}

/** When a started task runs out of time (null: no timeout, or not started). */
export function deadlineOf(t: Task): number | null {
  return t.state === 'started' && t.timeoutMs !== null && t.startedAt !== null ? t.startedAt + t.timeoutMs : null;
}

/** Started tasks at or past their timeout, earliest deadline first. */
export function expired(queue: TaskQueue, now: number): Task[] {
  const out: { t: Task; d: number }[] = [];
  for (const t of queue.list()) {
    const d = deadlineOf(t);
    if (d !== null && now >= d) out.push({ t, d });
  }
  return out.sort((a, b) => a.d - b.d || (a.t.id < b.t.id ? -1 : 1)).map((x) => x.t);
}

/** The earliest deadline still ahead of `now`, for the controller's timer (null: none). */
export function nextDeadline(queue: TaskQueue, now: number): number | null {
  let best: number | null = null;
  for (const t of queue.list()) {
    const d = deadlineOf(t);
    if (d !== null && d > now && (best === null || d < best)) best = d;
  }
  return best;
}
