import { z } from 'zod';
import { writeMessage } from '../../bus/writer.js';
import { handler, type HandlerTable } from '../../ipc/server.js';
import type { Messaging } from '../messaging.js';

const empty = z.object({}).strict();

/** The bus's requests (the messaging part). */
export function messagingHandlers(m: Messaging): HandlerTable {
  return {
    inbox: {
      schema: empty,
      describe: 'why queued messages are still waiting, by id',
      handle: () => ({ waiting: m.waitingReasons(), recipients: m.recipients }),
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
      handle: (req) => {
        const r = writeMessage(m.busDir, { from: req.from, to: req.to, text: req.text, priority: req.priority });
        return { id: r.id };
      },
    }),
  };
}
