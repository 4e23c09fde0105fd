import { z } from 'zod';
import type { AgentStates } from '../../agents/agent-states.js';
import type { AgentsHost } from '../../agents/agents-host.js';
import type { TasksHost } from '../../agents/tasks-host.js';
import { handler, type HandlerTable } from '../../ipc/server.js';

const empty = z.object({}).strict();

/** Agents' requests (the agents part): spawn, kill and list them, and what they report of themselves. */
export function agentHandlers(c: { agents: AgentsHost; states: AgentStates }): HandlerTable {
  return {
    spawn: handler({
      schema: z
        .object({ name: z.string(), command: z.string().min(1).optional(), worktree: z.boolean().optional(), base: z.string().min(1).optional() })
        .strict(),
      describe: 'start an agent in a new pane, in a worktree of its own',
      handle: (req) => c.agents.spawn(req),
    }),
    kill: handler({
      schema: z.object({ name: z.string(), clean: z.boolean().optional(), force: z.boolean().optional() }).strict(),
      describe: "stop an agent; --clean also removes its worktree (refused when it holds work, unless forced)",
      handle: (req) => c.agents.kill(req.name, req),
    }),
    agents: {
      schema: empty,
      describe: 'the agents, with state (and the signal that decided it), pane, worktree and branch',
      handle: async () =>
        (await c.agents.list()).map((a) => {
          const st = c.states.get(a.name);
          return { ...a, state: st?.state ?? 'unknown', signal: st?.signal ?? null, reason: st?.reason ?? null };
        }),
    },
    hook: handler({
      schema: z.object({ agent: z.string(), event: z.enum(['prompt-submit', 'stop', 'notification']) }).strict(),
      describe: "an agent CLI's own hook fired (installed with `hooks: true`)",
      handle: (req) => {
        c.states.hook(req.agent, req.event);
        return { ok: true };
      },
    }),
    heartbeat: handler({
      schema: z.object({ agent: z.string() }).strict(),
      describe: 'an agent says it is alive (miyabi heartbeat in its pane)',
      handle: (req) => {
        c.states.heartbeat(req.agent);
        return { ok: true };
      },
    }),
  };
}

/** The task queue's requests (the agents part). */
export function taskHandlers(c: { tasks: TasksHost; states: AgentStates }): HandlerTable {
  return {
    'task.add': handler({
      schema: z
        .object({ text: z.string(), agent: z.string().optional(), priority: z.string().optional(), labels: z.array(z.string()).optional(), timeout: z.string().optional() })
        .strict(),
      describe: 'queue a task for the next idle agent (or the one named)',
      handle: (req) => c.tasks.add(req),
    }),
    'task.list': { schema: empty, describe: 'every task with its state', handle: () => c.tasks.queue.list() },
    'task.cancel': handler({
      schema: z.object({ id: z.string() }).strict(),
      describe: 'cancel a task',
      handle: (req) => c.tasks.cancel(req.id),
    }),
    assign: handler({
      schema: z.object({ agent: z.string(), id: z.string() }).strict(),
      describe: 'hand a task to an agent now',
      handle: (req) => c.tasks.assign(req.agent, req.id),
    }),
    done: handler({
      schema: z.object({ agent: z.string().optional(), id: z.string().optional(), fail: z.string().optional() }).strict(),
      describe: "an agent's task is finished (or failed, with a reason)",
      handle: (req) => {
        if (req.agent) c.states.done(req.agent);
        return c.tasks.done(req.agent, req.id, req.fail);
      },
    }),
  };
}
