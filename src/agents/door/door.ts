/**
 * The pipelines' door to agents inside the controller (pipelines/agent-port.ts): agent tasks go
 * through the controller's task queue and the agent built-ins work on its panes, worktrees and bus.
 * Decisions (each fails with an ActionError that says why; nothing ever pretends to have worked):
 *
 * - `task(text)`: a task in the queue, labelled `pipeline`, its text headed with the pipeline, run,
 *   stage (and the run's worktree). Pinned to the run's agent once assign-agent chose one, else the
 *   router picks an idle agent. Resolves when it ends `done` (`miyabi done`) with
 *   `{"task","agent","state":"done"}`; `failed` and `timed-out` reject (retryable: a new try is a new
 *   task); cancelled from outside rejects permanently; an aborted request cancels the task first.
 *   Waiting is a journal listener (task.* records), never a poll.
 * - The built-ins keep a little memory per run (worktree, agent, pane, task): a stage gets only the
 *   inputs it names, and the seed's `execute` stage names none. The memory is journaled as
 *   `pipeline.*` records carrying `runId`, and read back from the journal (when `replay` is given)
 *   for a run this controller has not seen, e.g. one resumed after a restart. Details of each
 *   built-in: builtins.ts.
 * - An agent chosen for a run is reserved for it, so two runs never pick the same pane, until the
 *   run's started task ends or `forgetRun(runId)` (call it when a run ends). The task router does
 *   not know reservations; start-in-pane follows a task the router handed the agent meanwhile.
 */
import { ActionError, errorText } from '../../pipelines/action-error.js';
import type { AgentBuiltin, AgentRequest } from '../../pipelines/agent-port.js';
import type { Task } from '../tasks/index.js';
import { assignAgent, createWorktree, getAvailablePane, notifyAgent, relayMessages, startInPane } from './builtins.js';
import { reportProgress } from './progress.js';
import { assessDamage, restoreAgent } from './recovery.js';
import { RunMemory } from './run-memory.js';
import type { AgentDoor, AgentDoorDeps, Builtin, DoorContext } from './types.js';
import { followTask, isEnd, taskResult } from './wait.js';

const BUILTINS: Readonly<Record<AgentBuiltin, Builtin>> = {
  'create-worktree': createWorktree,
  'get-available-pane': getAvailablePane,
  'assign-agent': assignAgent,
  'notify-agent': notifyAgent,
  'start-in-pane': startInPane,
  'report-progress': reportProgress,
  'relay-messages': relayMessages,
  'assess-damage': assessDamage,
  'restore-agent': restoreAgent,
};

export function agentDoor(d: AgentDoorDeps): AgentDoor {
  const runs = new RunMemory(d.journal.replay ? (s) => d.journal.replay!(s) : undefined);
  const ctx: DoorContext = { d, runs };
  return {
    builtin: (name: AgentBuiltin, request: AgentRequest) => BUILTINS[name](ctx, request),
    task: (text, request) => agentTask(ctx, text, request),
    forgetRun: (runId) => runs.forget(runId),
    adoptRun: (runId, startSeq) => runs.adopt(runId, startSeq),
  };
}

async function agentTask({ d, runs }: DoorContext, text: string, r: AgentRequest): Promise<string> {
  if (r.signal.aborted) throw new ActionError(`cancelled before the task was queued: ${String(r.signal.reason)}`);
  // The header below would make an empty task look like one: refuse it as the queue would.
  if (text.trim() === '') throw new ActionError('an agent task needs text saying what the agent should do', { permanent: true });
  const memo = runs.recall(r.runId);
  // A resumed stage (the controller stopped while the agent worked) follows the task it queued before.
  const earlier = memo.stageTasks?.[r.stage];
  const open = earlier === undefined ? undefined : d.tasks.queue.get(earlier);
  if (open && !isEnd(open.state)) return taskResult(await followTask(d, open.id, r.signal));
  const where = memo.worktree ? `, worktree ${memo.worktree.path}` : '';
  let task: Task;
  try {
    task = d.tasks.add({
      text: `[pipeline ${r.pipeline} run ${r.runId}, stage ${r.stage}${where}]\n${text}`,
      labels: ['pipeline'],
      ...(memo.agent ? { agent: memo.agent } : {}),
    });
  } catch (e) {
    throw new ActionError(`could not queue the agent task: ${errorText(e)}`, { permanent: true, cause: e });
  }
  memo.stageTasks = { ...memo.stageTasks, [r.stage]: task.id };
  d.journal.append('pipeline.task', { runId: r.runId, stage: r.stage, task: task.id, agent: memo.agent ?? null });
  return taskResult(await followTask(d, task.id, r.signal));
}
