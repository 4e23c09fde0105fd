import { isMiyabiError } from '../../core/errors.js';
import { IpcClient, StreamPosition, type Requester } from '../../ipc/client.js';
import type { MessageName, ReplyOf, RequestOf } from '../../ipc/messages/index.js';
import type { JournalEventFrame, StatusResult } from '../../ipc/protocol.js';
import type { ConnectionState } from './model.js';

export type JournalEvent = JournalEventFrame['event'];

/** What the dashboard needs of an IPC client (IpcClient fits; tests pass fakes). */
export interface LinkClient extends Requester {
  subscribe(listener: (e: JournalEvent) => void, fromSeq?: number): Promise<{ afterSeq?: number | null } | void>;
  onClose(listener: () => void): void;
  close(): void;
}

export interface ControllerLinkOptions {
  socketPath: string;
  onStatus: (st: StatusResult) => void;
  onConnection: (c: ConnectionState) => void;
  onEvent?: (e: JournalEvent) => void;
  /** A request failed but the connection is fine (the controller answered with an error). */
  onError?: (message: string) => void;
  connect?: (socketPath: string) => Promise<LinkClient>;
  /** Status is re-fetched this often even without events (uptime); default 2000 ms. */
  pollMs?: number;
  /** Reconnect backoff: starts here, doubles, stops growing at maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
  /** An event's status fetch waits this long, so a burst of events costs one; default 150 ms. */
  eventFetchDelayMs?: number;
}

/**
 * Keeps one connection to the controller alive for the dashboard: connect, subscribe to the
 * journal, fetch `status` on start, on every event and every poll period; when the controller goes
 * away, report it and reconnect with exponential backoff. Never throws to its owner.
 */
export class ControllerLink {
  private client: LinkClient | null = null;
  /** Bumped on every (re)connect and on stop; callbacks of older generations are ignored. */
  private generation = 0;
  private stopped = false;
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private fetching = false;
  private fetchAgain = false;
  /** Reconnects resume here, so a dashboard that was away misses no event. */
  private readonly position = new StreamPosition();

  constructor(private readonly opts: ControllerLinkOptions) {
    this.backoffMs = opts.initialBackoffMs ?? 250;
  }

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    clearInterval(this.pollTimer);
    clearTimeout(this.soonTimer);
    this.client?.close();
    this.client = null;
  }

  /** Any other request on the live connection; rejects when there is none. */
  request<K extends MessageName>(type: K, payload?: RequestOf<K>): Promise<ReplyOf<K>> {
    if (!this.client) return Promise.reject(new Error('not connected'));
    return this.client.request(type, payload, this.opts.requestTimeoutMs ?? 5000);
  }

  private soonTimer: NodeJS.Timeout | undefined;
  /** After an event: one fetch for a burst of them (at 100 records a second, not 100 fetches). */
  private fetchSoon(): void {
    this.soonTimer ??= setTimeout(() => {
      this.soonTimer = undefined;
      void this.fetch();
    }, this.opts.eventFetchDelayMs ?? 150);
  }

  /** Fetch status now (coalesced with a fetch already under way). */
  refresh(): void {
    void this.fetch();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const gen = ++this.generation;
    this.opts.onConnection({ kind: 'connecting' });
    let client: LinkClient;
    try {
      client = await (this.opts.connect ?? ((p) => IpcClient.connect(p)))(this.opts.socketPath);
    } catch (err) {
      if (gen === this.generation) this.down(describe(err));
      return;
    }
    if (gen !== this.generation) {
      client.close();
      return;
    }
    this.client = client;
    client.onClose(() => {
      if (gen === this.generation) this.down('connection closed');
    });
    try {
      const subscribed = await client.subscribe((e) => {
        if (gen !== this.generation) return;
        this.position.saw(e.seq);
        this.opts.onEvent?.(e);
        // Messages and pipeline steps come by the thousand and change no pane: no status fetch.
        if (!QUIET.test(e.type)) this.fetchSoon();
      }, this.position.fromSeq).catch((err: unknown) => {
        // Records compacted since we were here: they are gone; carry on live from the next try.
        if (isMiyabiError(err) && err.code === 'NOT_FOUND') this.position.forget();
        throw err;
      });
      this.position.started(subscribed);
      const st = await client.request('status', undefined, this.opts.requestTimeoutMs ?? 5000);
      if (gen !== this.generation) return;
      this.backoffMs = this.opts.initialBackoffMs ?? 250;
      this.opts.onConnection({ kind: 'connected' });
      this.opts.onStatus(st);
    } catch (err) {
      if (gen === this.generation) this.down(describe(err));
      return;
    }
    this.pollTimer = setInterval(() => void this.fetch(), this.opts.pollMs ?? 2000);
  }

  private async fetch(): Promise<void> {
    const client = this.client;
    if (!client || this.stopped) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    const gen = this.generation;
    this.fetching = true;
    try {
      const st = await client.request('status', undefined, this.opts.requestTimeoutMs ?? 5000);
      if (gen === this.generation) this.opts.onStatus(st);
    } catch (err) {
      // A closed connection or a controller that stops answering is down; an answered error is not.
      if (gen !== this.generation) return;
      if (isConnectionError(err)) this.down(describe(err));
      else this.opts.onError?.(describe(err));
    } finally {
      this.fetching = false;
    }
    if (this.fetchAgain && gen === this.generation) {
      this.fetchAgain = false;
      void this.fetch();
    }
  }

  private down(reason: string): void {
    if (this.stopped) return;
    this.generation++;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    const old = this.client;
    this.client = null;
    old?.close();
    this.fetching = false;
    this.fetchAgain = false;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs ?? 5000);
    this.opts.onConnection({ kind: 'down', retryInMs: delay, reason });
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}

const QUIET = /^(message|stage|action|run|pipeline|task|conductor)\./;

const CONNECTION_CODES: ReadonlySet<string> = new Set(['CONTROLLER_DOWN', 'IPC_TIMEOUT', 'IPC']);

function isConnectionError(err: unknown): boolean {
  return isMiyabiError(err) ? CONNECTION_CODES.has(err.code) : true;
}

function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 80 ? msg.slice(0, 79) + '~' : msg;
}
