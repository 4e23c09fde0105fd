import type { RouterAgent, Task, TaskQueue } from './tasks/index.js';
import type { PaneInfo } from '../tmux/port.js';

/** What the router needs of the bus (the controller's Messaging fits). */
export interface PaneActivity {
  activity(name: string): { lastOutputAt: number; waiting: number } | null;
}

/** Quiet this long after its last output, an agent counts as idle for the task router. */
export const IDLE_AFTER_MS = 1500;

/**
 * The agents as the task router sees them: their detected state, or, before one is decided,
 * idle when the pane is alive, has printed nothing for IDLE_AFTER_MS and has no message waiting.
 * An agent with messages waiting is never handed a task. Its recent success is the share of done
 * among its last ten ended tasks; with the median duration of those that were done and its success
 * per task label, the router's tie-breakers (the design's agent-efficiency loop).
 */
export function routerAgents(
  panes: PaneInfo[],
  messaging: PaneActivity | undefined,
  queue: TaskQueue | undefined,
  stateOf: (name: string) => string | undefined = () => undefined,
  now = Date.now(),
): RouterAgent[] {
  return panes
    .filter((p) => p.role === 'agent' && !p.dead)
    .map((p) => {
      const act = messaging?.activity(p.agent);
      const quiet = act ? now - act.lastOutputAt >= IDLE_AFTER_MS && act.waiting === 0 : false;
      const ended = (queue?.list() ?? []).filter((t) => t.assignee === p.agent && ['done', 'failed', 'timed-out'].includes(t.state)).slice(-10);
      const recentSuccess = ended.length ? ended.filter((t) => t.state === 'done').length / ended.length : null;
      const { recentMs, labelSuccess } = efficiency(ended);
      // The detected state (agents/states) when there is one; else quiet means idle.
      const decided = stateOf(p.agent);
      const state = decided ?? (quiet ? 'idle' : 'busy');
      return { name: p.agent, state: state === 'idle' && act && act.waiting > 0 ? 'busy' : state, lastBusyAt: act?.lastOutputAt ?? null, recentSuccess, recentMs, labelSuccess };
    });
}

function efficiency(ended: Task[]): { recentMs: number | null; labelSuccess: Record<string, number> } {
  const ms = ended
    .filter((t) => t.state === 'done' && t.endedAt !== null && (t.startedAt ?? t.assignedAt) !== null)
    .map((t) => (t.endedAt as number) - ((t.startedAt ?? t.assignedAt) as number))
    .sort((a, b) => a - b);
  const byLabel = new Map<string, [number, number]>();
  for (const t of ended) {
    for (const l of t.labels) {
      const c = byLabel.get(l) ?? [0, 0];
      c[0] += t.state === 'done' ? 1 : 0;
      c[1] += 1;
      byLabel.set(l, c);
    }
  }
  return {
    recentMs: ms.length ? (ms[Math.floor((ms.length - 1) / 2)] as number) : null,
    labelSuccess: Object.fromEntries([...byLabel].map(([l, [ok, n]]) => [l, ok / n])),
  };
}
