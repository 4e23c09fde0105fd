import { IpcClient, type Requester } from '../../ipc/client.js';
import type { MessageName, ReplyOf, RequestOf } from '../../ipc/messages/index.js';
import type { ConductorClient } from './commands.js';

interface Closable extends ConductorClient {
  onClose(listener: () => void): void;
  close(): void;
}

/**
 * The conductor's way to the controller: connects on the first request and again after the
 * controller went away, so the REPL outlives controller restarts.
 */
export class LazyControllerClient implements ConductorClient {
  private client: Promise<Closable> | null = null;
  private closed = false;

  constructor(
    private readonly socketPath: string,
    private readonly connect: (path: string) => Promise<Closable> = (p) => IpcClient.connect(p),
  ) {}

  async request<K extends MessageName>(type: K, payload?: RequestOf<K>): Promise<ReplyOf<K>> {
    const client: Requester = await this.get();
    return client.request(type, payload);
  }

  close(): void {
    this.closed = true;
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
