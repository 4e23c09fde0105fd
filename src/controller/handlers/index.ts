import { writeMessage } from '../../bus/writer.js';
import { MiyabiError } from '../../core/errors.js';
import { handlerTable, type Impls } from '../../ipc/handlers.js';
import type { HandlerTable } from '../../ipc/server.js';
import type { AgentsHost } from '../agents.js';
import type { Controller } from '../controller.js';
import type { Messaging } from '../messaging.js';
import type { TasksHost } from '../tasks-host.js';
import { runHandlers } from './runs.js';

/**
 * The controller's answer to every message of the protocol (ipc/messages, one file each, where
 * each request's schema and reply live). The types come from those files: a missing answer, a
 * wrong parameter or a wrong reply does not compile.
 */
export function handlers(c: Controller): HandlerTable {
  const impls: Impls = {
    ...runHandlers(c),
    ping: () => ({ pid: process.pid, session: c.sessionName }),
    status: () => c.status(),
    // afterSeq: every record with a greater seq comes on this connection (the client's resume point).
    subscribe: (p, conn) => ({ subscribed: true, afterSeq: conn.subscribe(p.fromSeq) ?? null }),
    inbox: () => ({ waiting: c.messaging?.waitingReasons() ?? {}, outcomes: c.messaging?.outcomes.recent() ?? {}, recipients: c.messaging?.recipients ?? [] }),
    send: (m) => {
      const r = writeMessage(messagingOf(c).busDir, { from: m.from, to: m.to, text: m.text, priority: m.priority });
      return { id: r.id };
    },
    'message.wait': (req) => messagingOf(c).outcomes.wait(req.to, req.id, req.timeoutMs),
    spawn: (req) => agentsOf(c).spawn(req),
    kill: (req) => agentsOf(c).kill(req.name, req),
    agents: async () =>
      (await agentsOf(c).list()).map((a) => {
        const st = c.states?.get(a.name);
        return { ...a, state: st?.state ?? 'unknown', signal: st?.signal ?? null, reason: st?.reason ?? null };
      }),
    hook: (req) => {
      c.states?.hook(req.agent, req.event);
      return { ok: true };
    },
    heartbeat: (req) => {
      c.states?.heartbeat(req.agent);
      return { ok: true };
    },
    'task.add': (req) => tasksOf(c).add(req),
    'task.list': () => tasksOf(c).queue.list(),
    'task.cancel': (req) => tasksOf(c).cancel(req.id),
    assign: (req) => tasksOf(c).assign(req.agent, req.id),
    done: (req) => {
      // The task ends first: a refused `done` (no such task) must not count as the agent's signal either.
      const task = tasksOf(c).done(req.agent, req.id, req.fail);
      if (req.agent) c.states?.done(req.agent);
      return task;
    },
    down: () => {
      setImmediate(() => void c.stop({ killSession: true, reason: 'down' }));
      return { stopping: true, pid: process.pid };
    },
  };
  return handlerTable(impls);
}

function messagingOf(c: Controller): Messaging {
  if (!c.messaging) throw new MiyabiError('CONTROLLER_START', 'the bus is not up yet');
  return c.messaging;
}

function agentsOf(c: Controller): AgentsHost {
  if (!c.agents) throw new MiyabiError('CONTROLLER_START', 'the controller is still starting');
  return c.agents;
}

function tasksOf(c: Controller): TasksHost {
  if (!c.tasks) throw new MiyabiError('CONTROLLER_START', 'the controller is still starting');
  return c.tasks;
}
