import { z } from 'zod';
import { writeMessage } from '../../bus/writer.js';
import { MiyabiError } from '../../core/errors.js';
import { handler, type HandlerTable } from '../../ipc/server.js';
import type { Controller } from '../controller.js';

const empty = z.object({}).strict();

/** One entry per request type: schema + handler (Nx's message-types, as a table). */
export function handlers(c: Controller): HandlerTable {
  return {
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
      describe: 'why queued messages are still waiting, by id',
      handle: () => ({ waiting: c.messaging?.waitingReasons() ?? {}, recipients: c.messaging?.recipients ?? [] }),
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
