import type { Impls } from '../../ipc/handlers.js';
import type { JournalHealthReply } from '../../ipc/messages/ping.js';
import type { StatusResult } from '../../ipc/protocol.js';

/** What the core's answers need of the controller. */
export interface CoreHost {
  readonly sessionName: string;
  journalHealth(): JournalHealthReply;
  status(): Promise<StatusResult>;
  stop(opts: { killSession: boolean; reason: string }): Promise<void>;
}

export type CoreMessages = 'ping' | 'status' | 'subscribe' | 'down';

/**
 * The controller core's answers to the protocol (ipc/messages, one file each, where each
 * request's schema and reply live); each part brings its own (handlers/agents.ts, messaging.ts,
 * runs.ts), and parts/index.ts checks at compile time that every message has one.
 */
export function coreHandlers(c: CoreHost): Pick<Impls, CoreMessages> {
  return {
    ping: () => ({ pid: process.pid, session: c.sessionName, journal: c.journalHealth() }),
    status: () => c.status(),
    // afterSeq: every record with a greater seq comes on this connection (the client's resume point).
    subscribe: (p, conn) => ({ subscribed: true, afterSeq: conn.subscribe(p.fromSeq) ?? null }),
    down: () => {
      setImmediate(() => void c.stop({ killSession: true, reason: 'down' }));
      return { stopping: true, pid: process.pid };
    },
  };
}
