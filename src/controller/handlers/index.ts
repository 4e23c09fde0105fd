import { z } from 'zod';
import { writeMessage } from '../../bus/writer.js';
import { MiyabiError } from '../../core/errors.js';
import { handler, type HandlerTable } from '../../ipc/server.js';
import type { AgentsHost } from '../agents.js';
import type { Controller } from '../controller.js';
import type { TasksHost } from '../tasks-host.js';
import { runHandlers } from './runs.js';

const empty = z.object({}).strict();

/** One entry per request type: schema + handler (Nx's message-types, as a table). */
export function handlers(c: Controller): HandlerTable {
  return {
    ...runHandlers(c),
    ping: { schema: empty, describe: 'liveness and pid', handle: () => ({ pid: process.pid, session: c.sessionName }) },
    status: { schema: empty, describe: 'session, controller and panes', handle: () => c.status() },
    subscribe: {
      schema: z.object({ fromSeq: z.number().int().nonnegative().optional() }).strict(),
      describe: 'stream journal events on this connection',
      handle: (_p, conn) => {
        conn.subscribe();
        return { subscribed: true };
      },
    },
    inbox: {
      schema: empty,
      describe: 'why queued messages are still waiting, and how recently finished ones ended, by id',
      handle: () => ({ waiting: c.messaging?.waitingReasons() ?? {}, outcomes: c.messaging?.outcomes() ?? {}, recipients: c.messaging?.recipients ?? [] }),
    },
    send: handler({
      schema: z
        .object({
          to: z.string(),
          text: z.string(),
          from: z.string().default('conductor'),
          priority: z.enum(['high', 'normal', 'low']).default('normal'),
        })
        .strict(),
      describe: 'put a message on the bus (for the conductor and dashboard, which speak only IPC)',
      handle: (m) => {
        if (!c.messaging) throw new MiyabiError('CONTROLLER_START', 'the bus is not up yet');
        const r = writeMessage(c.messaging.busDir, { from: m.from, to: m.to, text: m.text, priority: m.priority });
        return { id: r.id };
      },
    }),
    spawn: handler({
      schema: z
        .object({ name: z.string(), command: z.string().min(1).optional(), worktree: z.boolean().optional(), base: z.string().min(1).optional(), reuse: z.boolean().optional() })
        .strict(),
      describe: 'start an agent in a new pane, in a worktree of its own',
      handle: (req) => agentsOf(c).spawn(req),
    }),
    kill: handler({
      schema: z.object({ name: z.string(), clean: z.boolean().optional(), force: z.boolean().optional() }).strict(),
      describe: "stop an agent; --clean also removes its worktree (refused when it holds work, unless forced)",
      handle: (req) => agentsOf(c).kill(req.name, req),
    }),
    agents: {
      schema: empty,
      describe: 'the agents, with state (and the signal that decided it), pane, worktree and branch',
      handle: async () =>
        (await agentsOf(c).list()).map((a) => {
          const st = c.states?.get(a.name);
          return { ...a, state: st?.state ?? 'unknown', signal: st?.signal ?? null, reason: st?.reason ?? null };
        }),
    },
    hook: handler({
      schema: z.object({ agent: z.string(), event: z.enum(['prompt-submit', 'stop', 'notification']) }).strict(),
      describe: "an agent CLI's own hook fired (installed with `hooks: true`)",
      handle: (req) => {
        c.states?.hook(req.agent, req.event);
        return { ok: true };
      },
    }),
    heartbeat: handler({
      schema: z.object({ agent: z.string() }).strict(),
      describe: 'an agent says it is alive (miyabi heartbeat in its pane)',
      handle: (req) => {
        c.states?.heartbeat(req.agent);
        return { ok: true };
      },
    }),
    'task.add': handler({
      schema: z
        .object({ text: z.string(), agent: z.string().optional(), priority: z.string().optional(), labels: z.array(z.string()).optional(), timeout: z.string().optional() })
        .strict(),
      describe: 'queue a task for the next idle agent (or the one named)',
      handle: (req) => tasksOf(c).add(req),
    }),
    'task.list': { schema: empty, describe: 'every task with its state', handle: () => tasksOf(c).queue.list() },
    'task.cancel': handler({
      schema: z.object({ id: z.string() }).strict(),
      describe: 'cancel a task',
      handle: (req) => tasksOf(c).cancel(req.id),
    }),
    assign: handler({
      schema: z.object({ agent: z.string(), id: z.string() }).strict(),
      describe: 'hand a task to an agent now',
      handle: (req) => tasksOf(c).assign(req.agent, req.id),
    }),
    done: handler({
      schema: z.object({ agent: z.string().optional(), id: z.string().optional(), fail: z.string().optional() }).strict(),
      describe: "an agent's task is finished (or failed, with a reason)",
      handle: (req) => {
        if (req.agent) c.states?.done(req.agent);
        return tasksOf(c).done(req.agent, req.id, req.fail);
      },
    }),
    down: {
      schema: empty,
      describe: 'end the session and stop the controller',
      handle: () => {
        setImmediate(() => void c.stop({ killSession: true, reason: 'down' }));
        return { stopping: true, pid: process.pid };
      },
    },
  };
}

function agentsOf(c: Controller): AgentsHost {
  if (!c.agents) throw new MiyabiError('CONTROLLER_START', 'the controller is still starting');
  return c.agents;
}

function tasksOf(c: Controller): TasksHost {
  if (!c.tasks) throw new MiyabiError('CONTROLLER_START', 'the controller is still starting');
  return c.tasks;
}
