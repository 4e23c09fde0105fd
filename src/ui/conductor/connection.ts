import { IpcClient, type Requester } from '../../ipc/client.js';
import type { MessageName, ReplyOf, RequestOf } from '../../ipc/messages/index.js';
import { IDLE_TIMEOUT_MS } from '../../ipc/protocol.js';
import type { ConductorClient } from './commands.js';

interface Closable extends ConductorClient {
  onClose(listener: () => void): void;
  close(): void;
}

export interface LazyClientOptions {
  /** A connection idle this long is not used again: the server drops idle ones (IDLE_TIMEOUT_MS). */
  reuseMs?: number;
  now?: () => number;
}

/**
 * The conductor's way to the controller: connects on the first request and again after the
 * controller went away, so the REPL outlives controller restarts. The server closes a connection
 * idle for IDLE_TIMEOUT_MS (flood protection, issue #11), and a command typed just as it does
 * would meet "connection closed": so a connection quiet for half that is closed here and the
 * command goes over a fresh one (a connect costs about a millisecond), rather than exempting
 * the conductor from a protection anyone could then claim.
 */
export class LazyControllerClient implements ConductorClient {
  private client: Promise<Closable> | null = null;
  private closed = false;
  private inFlight = 0;
  private lastUsed = 0;
  private readonly reuseMs: number;
  private readonly now: () => number;

  constructor(
    private readonly socketPath: string,
    private readonly connect: (path: string) => Promise<Closable> = (p) => IpcClient.connect(p),
    o: LazyClientOptions = {},
  ) {
    this.reuseMs = o.reuseMs ?? IDLE_TIMEOUT_MS / 2;
    this.now = o.now ?? Date.now;
  }

  async request<K extends MessageName>(type: K, payload?: RequestOf<K>): Promise<ReplyOf<K>> {
    if (this.client && this.inFlight === 0 && this.now() - this.lastUsed >= this.reuseMs) this.drop();
    this.inFlight += 1;
    try {
      const client: Requester = await this.get();
      return await client.request(type, payload);
    } finally {
      this.inFlight -= 1;
      this.lastUsed = this.now();
    }
  }

  close(): void {
    this.closed = true;
    this.drop();
  }

  private drop(): void {
    const c = this.client;
    this.client = null;
    void c?.then((x) => x.close(), () => undefined);
  }

  private get(): Promise<Closable> {
    if (this.client) return this.client;
    const attempt = this.connect(this.socketPath).then((c) => {
      c.onClose(() => {
        if (this.client === attempt) this.client = null;
      });
      if (this.closed) c.close();
      return c;
    });
    this.client = attempt;
    // A failed connect is not remembered: the next command tries again.
    attempt.catch(() => {
      if (this.client === attempt) this.client = null;
    });
    return attempt;
  }
}
