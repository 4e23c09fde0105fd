import { z } from 'zod';
import type { HandlerTable } from '../../ipc/server.js';
import type { StatusResult } from '../../ipc/protocol.js';

const empty = z.object({}).strict();

/** What the core requests need of the controller. */
export interface CoreHost {
  readonly sessionName: string;
  status(): Promise<StatusResult>;
  stop(opts: { killSession: boolean; reason: string }): Promise<void>;
}

/**
 * One entry per request type: schema + handler (Nx's message-types, as a table). These are the
 * controller core's; each part brings its own (handlers/agents.ts, messaging.ts, runs.ts).
 */
export function handlers(c: CoreHost): HandlerTable {
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
