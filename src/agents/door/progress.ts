/**
 * report-progress (see builtins.ts): a `pipeline.progress` record now and at each
 * change of the run's task or of its agent's state, until that task ends; a run with no open task
 * gets one record and returns at once.
 */
import { ActionError } from '../../pipelines/action-error.js';
import type { AgentRequest } from '../../pipelines/agent-port.js';
import type { DoorContext } from './types.js';
import { isEnd } from './wait.js';


function ago(ms: number | null): string {
  return ms === null ? '' : ` ${Math.max(0, Math.round((Date.now() - ms) / 1000))} s ago`;
}

export function reportProgress(c: DoorContext, r: AgentRequest): Promise<string> {
  const memo = c.runs.recall(r.runId);
  const look = (): { line: string; ended: boolean } => {
    const t = memo.task ? c.d.tasks.queue.get(memo.task) : undefined;
    const st = memo.agent ? c.d.stateOf(memo.agent) : undefined;
    c.d.journal.append('pipeline.progress', {
      runId: r.runId, stage: r.stage, agent: memo.agent ?? null, agentState: st?.state ?? null,
      task: t?.id ?? null, taskState: t?.state ?? null, worktree: memo.worktree?.path ?? null,
    });
    const parts = [
      memo.agent ? `agent ${memo.agent} ${st ? st.state : 'not yet judged'}${st?.reason ? ` (${st.reason})` : ''}` : 'no agent assigned yet',
      t ? `task ${t.id} ${t.state}${ago(t.endedAt ?? t.startedAt ?? t.assignedAt)}${t.reason ? `: ${t.reason}` : ''}` : 'no task started',
      ...(memo.worktree ? [`worktree ${memo.worktree.path}`] : []),
    ];
    return { line: `run ${r.runId}: ${parts.join(', ')}`, ended: !t || isEnd(t.state) };
  };
  const first = look();
  if (first.ended) return Promise.resolve(first.line);
  return new Promise((resolve, reject) => {
    let last = first.line;
    let pending = false;
    let settled = false;
    const again = (): void => {
      pending = false;
      if (settled) return;
      const now = look();
      last = now.line;
      if (now.ended) finish(() => resolve(now.line));
    };
    const off = c.d.journal.onAppend((rec) => {
      const p = rec.payload as { id?: unknown; name?: unknown } | null;
      const mine = (rec.type.startsWith('task.') && p?.id === memo.task) || (rec.type === 'agent.state' && p?.name === memo.agent);
      // The queue and the states take a record in right after it is appended: look once that is done.
      if (mine && !pending) {
        pending = true;
        queueMicrotask(again);
      }
    });
    const onAbort = (): void => finish(() => reject(new ActionError(`report-progress: stopped (${String(r.signal.reason ?? 'aborted')}); last: ${last}`)));
    const finish = (then: () => void): void => {
      settled = true;
      off();
      r.signal.removeEventListener('abort', onAbort);
      then();
    };
    if (r.signal.aborted) return onAbort();
    r.signal.addEventListener('abort', onAbort, { once: true });
  });
}
