import type { AgentStates } from '../../agents/agent-states.js';
import type { AgentsHost } from '../../agents/agents-host.js';
import type { TasksHost } from '../../agents/tasks-host.js';
import type { Impls } from '../../ipc/handlers.js';

export type AgentMessages = 'spawn' | 'kill' | 'agents' | 'hook' | 'heartbeat';
export type TaskMessages = 'task.add' | 'task.list' | 'task.cancel' | 'assign' | 'done';

/** Agents' answers (the agents part): spawn, kill and list them, and what they report of themselves. */
export function agentHandlers(c: { agents: AgentsHost; states: AgentStates; promptSubmitted?: (agent: string, prompt: string) => void }): Pick<Impls, AgentMessages> {
  return {
    spawn: (req) => c.agents.spawn(req),
    kill: (req) => c.agents.kill(req.name, req),
    agents: async () =>
      (await c.agents.list()).map((a) => {
        const st = c.states.get(a.name);
        return { ...a, state: st?.state ?? 'unknown', signal: st?.signal ?? null, reason: st?.reason ?? null };
      }),
    hook: (req) => {
      c.states.hook(req.agent, req.event);
      if (req.event === 'prompt-submit' && req.prompt !== undefined) c.promptSubmitted?.(req.agent, req.prompt);
      return { ok: true };
    },
    heartbeat: (req) => {
      c.states.heartbeat(req.agent);
      return { ok: true };
    },
  };
}

/** The task queue's answers (the agents part). */
export function taskHandlers(c: { tasks: TasksHost; states: AgentStates }): Pick<Impls, TaskMessages> {
  return {
    'task.add': (req) => c.tasks.add(req),
    'task.list': () => c.tasks.queue.list(),
    'task.cancel': (req) => c.tasks.cancel(req.id),
    assign: (req) => c.tasks.assign(req.agent, req.id),
    done: (req) => {
      // The task ends first: a refused `done` (no such task) must not count as the agent's signal either.
      const task = c.tasks.done(req.agent, req.id, req.fail);
      if (req.agent) c.states.done(req.agent);
      return task;
    },
  };
}
