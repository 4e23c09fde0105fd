/**
 * The agent built-ins of the pipelines' door (door.ts), as the seed's multi-agent
 * pipeline uses them: prepare → target → assign → execute → communicate → recover.
 *
 * - create-worktree: a git worktree `run-<date>-<time>-<hex>` for the run on branch
 *   `miyabi/run-…/<pipeline>` (the layout's worktree settings, the pool when it has one); a retry or
 *   a resumed run gets the same one. Output: its path. It stays after the run (it holds the work).
 * - get-available-pane: the pane of an idle agent (alive, detected state `idle`, holding no task,
 *   not reserved by another run), first by name, reserved for the run. None idle: waits for one
 *   (agent.state / task / spawn records wake it) until the request aborts, so bound it with the
 *   stage's `timeout`; the error then says why each agent was not free. No agent panes at all:
 *   fails at once, permanently. An agent no sweep has judged yet does not count as idle.
 * - assign-agent: the agent owning input `pane_id` (or, without one, an idle agent as above)
 *   becomes the run's agent; a dead one or one another run holds is refused. Output: its name.
 * - notify-agent: a bus message to the run's agent naming the pipeline, run and worktree
 *   (input `worktree_path`, else the run's own). Output: `message <id> to <agent>`.
 * - start-in-pane: hands the run's agent a task through the queue and follows it to its end, like
 *   `task()`: input `task_id`, else the task the router already handed that agent, else input
 *   `task` (text, a new task) or the run's `--var task=…`, else the first queued task it may take
 *   that no pipeline added. Nothing to start fails permanently. The hand-over runs before the
 *   first await, so a report-progress beside it (parallel: true) already sees the task.
 * - report-progress: journals `pipeline.progress` (agent state, task state, worktree) now and at
 *   each change of the run's task or agent until the task ends; output: the last status line.
 * - relay-messages: one round: wakes the deliverer (the controller relays all the time) and
 *   reports every inbox, JSON `{waiting, inboxes: {name: {waiting, delivered}}}`.
 * - assess-damage, restore-agent: recovery.ts.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { inboxPaths, recipients } from '../../bus/layout.js';
import { writeMessage } from '../../bus/writer.js';
import { isMiyabiError } from '../../core/errors.js';
import { ActionError, errorText } from '../../pipelines/action-error.js';
import type { AgentRequest } from '../../pipelines/agent-port.js';
import type { AgentView, Builtin, DoorContext, RunMemo } from './types.js';
import { followTask, taskResult, waitFor } from './wait.js';

const INPUT_CODES = ['USAGE', 'CONFIG', 'NAME', 'NOT_FOUND', 'NOT_GIT'];
const WAKES = new Set(['agent.state', 'agent.spawned', 'agent.killed', 'task.assigned', 'task.done', 'task.failed', 'task.timed-out', 'task.cancelled']);

/** An ActionError for `e`: permanent when it is a mistake in the input or setup (retrying cannot help). */
export function fail(what: string, e: unknown, permanentCodes: readonly string[] = INPUT_CODES): ActionError {
  if (e instanceof ActionError) return e;
  const hint = isMiyabiError(e) && e.hint ? ` (${e.hint})` : '';
  return new ActionError(`${what}: ${errorText(e)}${hint}`, { permanent: isMiyabiError(e) && permanentCodes.includes(e.code), cause: e });
}

/** A worktree name for a run (a miyabi name: at most 32 characters, `[a-z][a-z0-9_-]*`). */
export function runWorktreeName(runId: string): string {
  const m = /(\d{8}-\d{6}-[0-9a-f]{4})$/.exec(runId);
  return `run-${m ? m[1] : createHash('sha1').update(runId).digest('hex').slice(0, 12)}`;
}

export async function agentList({ d }: DoorContext, what: string): Promise<AgentView[]> {
  try {
    return [...(await d.agents.list())].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    throw fail(`${what}: could not list the agent panes`, e);
  }
}

export function stateText(s: { state: string; reason?: string } | undefined): string {
  return s ? `${s.state}${s.reason ? ` (${s.reason})` : ''}` : 'not yet judged by a sweep';
}

/** Free agents for run `runId`, and why each other one is not. */
async function availability(c: DoorContext, runId: string, what: string): Promise<{ rows: AgentView[]; free: AgentView[]; why: string[] }> {
  const rows = await agentList(c, what);
  const busy = c.d.tasks.queue.busyAgents();
  const free: AgentView[] = [];
  const why: string[] = [];
  for (const a of rows) {
    const st = c.d.stateOf(a.name);
    const holder = c.runs.heldBy(a.name, runId);
    if (!a.alive) why.push(`${a.name} is dead`);
    else if (st?.state !== 'idle') why.push(`${a.name} is ${stateText(st)}`);
    else if (busy.has(a.name)) why.push(`${a.name} holds task ${c.d.tasks.queue.activeFor(a.name)?.id ?? '?'}`);
    else if (holder !== undefined) why.push(`${a.name} is reserved by run ${holder}`);
    else free.push(a);
  }
  return { rows, free, why };
}

function reserve(memo: RunMemo, c: DoorContext, runId: string, agent: string): void {
  if (memo.holds !== undefined && memo.holds !== agent) c.runs.release(runId);
  memo.holds = agent;
}

/** An idle agent, reserved for the run; waits for one while the request lives. */
async function idleAgent(c: DoorContext, r: AgentRequest, what: string): Promise<AgentView> {
  const memo = c.runs.get(r.runId);
  let first = true;
  return waitFor({
    journal: c.d.journal, signal: r.signal, wakesOn: (t) => WAKES.has(t), changed: c.runs.changed,
    probe: async () => {
      const a = await availability(c, r.runId, what);
      if (first && a.rows.length === 0) throw new ActionError(`${what}: the session has no agent panes; add one with miyabi spawn NAME`, { permanent: true });
      first = false;
      const pick = a.free[0];
      // Reserved in the same turn as the check: a concurrent run's probe then sees it held.
      if (pick) reserve(memo, c, r.runId, pick.name);
      return pick;
    },
    gaveUp: async () => {
      const why = await availability(c, r.runId, what).then((a) => a.why.join('; '), (e: unknown) => errorText(e));
      return new ActionError(`${what}: no idle agent before the stage stopped (${String(r.signal.reason ?? 'aborted')}): ${why}`);
    },
  });
}

export const createWorktree: Builtin = async ({ d, runs }, r) => {
  const memo = runs.get(r.runId);
  if (memo.worktree) return memo.worktree.path;
  const name = runWorktreeName(r.runId);
  let w: Awaited<ReturnType<typeof d.worktree>>;
  try {
    w = await d.worktree(name, r.pipeline);
  } catch (e) {
    throw fail(`create-worktree: no worktree ${name} for run ${r.runId}`, e);
  }
  memo.worktree = { path: w.path, branch: w.branch };
  d.journal.append('pipeline.worktree', { runId: r.runId, stage: r.stage, name, path: w.path, branch: w.branch, reused: w.reused });
  return w.path;
};

export const getAvailablePane: Builtin = async (c, r) => {
  const a = await idleAgent(c, r, 'get-available-pane');
  c.runs.get(r.runId).paneId = a.paneId;
  return a.paneId;
};

export const assignAgent: Builtin = async (c, r) => {
  const memo = c.runs.get(r.runId);
  const paneId = r.inputs['pane_id']?.trim();
  let agent: AgentView;
  if (paneId) {
    const rows = await agentList(c, 'assign-agent');
    const a = rows.find((x) => x.paneId === paneId);
    const known = rows.map((x) => `${x.name} ${x.paneId}`).join(', ') || 'none';
    if (!a) throw new ActionError(`assign-agent: no agent owns pane ${paneId} (agent panes: ${known})`, { permanent: true });
    if (!a.alive) throw new ActionError(`assign-agent: agent ${a.name} (pane ${paneId}) is dead; restore it first (restore-agent)`);
    const holder = c.runs.heldBy(a.name, r.runId);
    if (holder !== undefined) throw new ActionError(`assign-agent: agent ${a.name} (pane ${paneId}) is reserved by run ${holder}`);
    reserve(memo, c, r.runId, a.name);
    agent = a;
  } else {
    agent = await idleAgent(c, r, 'assign-agent');
  }
  const given = r.inputs['worktree_path']?.trim();
  if (given && given !== memo.worktree?.path) memo.worktree = { path: given, branch: null };
  Object.assign(memo, { agent: agent.name, paneId: agent.paneId });
  c.d.journal.append('pipeline.assigned', { runId: r.runId, stage: r.stage, agent: agent.name, paneId: agent.paneId, worktree: memo.worktree?.path ?? null });
  return agent.name;
};

export const notifyAgent: Builtin = async (c, r) => {
  const memo = c.runs.recall(r.runId);
  const paneId = r.inputs['pane_id']?.trim();
  const agent = memo.agent ?? (paneId ? (await agentList(c, 'notify-agent')).find((a) => a.paneId === paneId)?.name : undefined);
  if (!agent) throw new ActionError(`notify-agent: run ${r.runId} has no agent yet: assign-agent comes first (or give the stage a pane_id input)`, { permanent: true });
  const bus = c.d.busDir();
  if (!bus) throw new ActionError('notify-agent: the bus is not up yet');
  const worktree = r.inputs['worktree_path']?.trim() || memo.worktree?.path;
  const branch = worktree && worktree === memo.worktree?.path && memo.worktree.branch ? ` (branch ${memo.worktree.branch})` : '';
  const text = `pipeline ${r.pipeline} run ${r.runId}: you are assigned to this run.${worktree ? ` Work in ${worktree}${branch}.` : ''} Its task follows as a separate message.`;
  let id: string;
  try {
    id = writeMessage(bus, { from: 'miyabi', to: agent, text }).id;
  } catch (e) {
    throw fail(`notify-agent: could not message ${agent}`, e);
  }
  c.d.journal.append('pipeline.notified', { runId: r.runId, stage: r.stage, agent, message: id, worktree: worktree ?? null });
  return `message ${id} to ${agent}`;
};

/** Which task start-in-pane hands over (see the header); throws when there is none. Synchronous. */
function pickTask(c: DoorContext, r: AgentRequest, agent: string): { id: string; handOver: boolean } {
  const q = c.d.tasks.queue;
  const wanted = r.inputs['task_id']?.trim();
  const held = q.activeFor(agent);
  if (wanted) {
    const t = q.get(wanted);
    if (!t) throw new ActionError(`start-in-pane: no task ${wanted} in the queue`, { permanent: true });
    if (held?.id === wanted) return { id: wanted, handOver: false };
    if (t.state !== 'queued') throw new ActionError(`start-in-pane: task ${wanted} is ${t.state}${t.assignee ? ` with ${t.assignee}` : ''}: only a queued task can be handed to ${agent}`, { permanent: true });
    return { id: wanted, handOver: true };
  }
  if (held) return { id: held.id, handOver: false };
  const text = r.inputs['task']?.trim() || r.vars?.['task']?.trim();
  if (text) {
    try {
      return { id: c.d.tasks.add({ text, agent, labels: ['pipeline'] }).id, handOver: true };
    } catch (e) {
      throw fail('start-in-pane: could not queue the task', e, ['USAGE', 'NAME']);
    }
  }
  const next = q.queued().find((t) => (t.agent === null || t.agent === agent) && !t.labels.includes('pipeline'));
  if (!next) throw new ActionError(`start-in-pane: nothing to start for ${agent}: the queue has no task it may take (give the stage a task_id or task input, or run it with --var task=…)`, { permanent: true });
  return { id: next.id, handOver: true };
}

export const startInPane: Builtin = async (c, r) => {
  const memo = c.runs.recall(r.runId);
  const agent = memo.agent;
  if (!agent) throw new ActionError(`start-in-pane: run ${r.runId} has no agent yet: assign-agent comes first`, { permanent: true });
  if (r.signal.aborted) throw new ActionError(`start-in-pane: stopped before it began (${String(r.signal.reason)})`);
  const pick = pickTask(c, r, agent);
  if (pick.handOver) {
    try {
      c.d.tasks.assign(agent, pick.id);
    } catch (e) {
      throw fail(`start-in-pane: could not hand task ${pick.id} to ${agent}`, e, ['NOT_FOUND', 'NAME']);
    }
  }
  memo.task = pick.id;
  c.d.journal.append('pipeline.started', { runId: r.runId, stage: r.stage, task: pick.id, agent, handedOver: pick.handOver });
  try {
    return taskResult(await followTask(c.d, pick.id, r.signal));
  } finally {
    c.runs.release(r.runId);
  }
};

function count(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0; // an inbox being made or removed counts as empty
  }
}

export const relayMessages: Builtin = async ({ d }, _r) => {
  const bus = d.busDir();
  if (!bus) throw new ActionError('relay-messages: the bus is not up yet');
  d.kickBus?.();
  const inboxes: Record<string, { waiting: number; delivered: number }> = {};
  let waiting = 0;
  for (const name of recipients(bus)) {
    const p = inboxPaths(bus, name);
    inboxes[name] = { waiting: count(p.new), delivered: count(p.cur) };
    waiting += inboxes[name].waiting;
  }
  return JSON.stringify({ waiting, inboxes });
};
