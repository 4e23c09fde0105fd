import { createServer, type Server, type Socket } from 'node:net';
import type { z } from 'zod';
import { isMiyabiError, MiyabiError } from '../core/errors.js';
import { encodeFrame, LineSplitter } from './frames.js';
import { IDLE_TIMEOUT_MS, type IpcErrorBody, type IpcRequest } from './protocol.js';
import { type EventSource, type StreamRecord, Subscription } from './subscription.js';

export interface Handler<S extends z.ZodType = z.ZodType> {
  schema: S;
  describe: string;
  handle: (payload: z.infer<S>, conn: IpcConnection) => unknown | Promise<unknown>;
}

export type HandlerTable = Record<string, Handler>;

/** Keeps the payload's type from the schema inside `handle` when the entry goes into a table. */
export function handler<S extends z.ZodType>(h: Handler<S>): Handler {
  return h as unknown as Handler;
}

export interface IpcConnection {
  /**
   * Turns this connection into a journal event stream: live records, or with `fromSeq` first every
   * record after it from the journal (see stream()), then live ones, in order and once each.
   * Returns the seq the stream starts after (every record with a greater seq will come), or
   * undefined when this server streams no journal.
   */
  subscribe(fromSeq?: number): number | undefined;
}

export interface IpcServerOptions {
  /** Time to send a whole frame once its first byte came; a slower one is dropped (slow-loris, a byte every few seconds). */
  partialFrameTimeoutMs?: number;
  /** Connections held at once; when full, the oldest one that neither waits for an answer nor subscribed makes room. */
  maxConnections?: number;
  /** A connection with no request in flight that sends nothing for this long (and did not subscribe) is closed. */
  idleTimeoutMs?: number;
  /**
   * Event streams served at once. Subscribers are never dropped to make room, so without a cap
   * they alone could fill the table and lock the CLI out; past it `subscribe` is refused, saying so.
   */
  maxSubscribers?: number;
  onError?: (err: unknown) => void;
}

/** Dashboards, conductors and tails at once: far more than one person watches, far fewer than the table holds. */
export const MAX_SUBSCRIBERS = 64;

interface Conn {
  inFlight: number;
  subscribed: boolean;
}

/**
 * JSON-lines server over a unix socket. Every failure is answered on its own connection; nothing
 * a client sends can stop the controller (RELIABILITY.md, B10), and no number of connections that
 * ask nothing can lock the CLI out (issue #11, item 3: B20): idle ones go within seconds, a frame
 * must arrive whole within a deadline, and a full table makes room for a newcomer by dropping its
 * oldest idle connection (the newcomer is the CLI, more often than not).
 */
export class IpcServer {
  private readonly server: Server;
  private readonly subscribers = new Map<Socket, Subscription>();
  private source: EventSource | null = null;
  /** Every open connection, oldest first (a Map keeps insertion order). */
  private readonly conns = new Map<Socket, Conn>();

  constructor(
    private readonly handlers: HandlerTable,
    private readonly options: IpcServerOptions = {},
  ) {
    this.server = createServer((s) => this.accept(s));
  }

  listen(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      // A deep backlog: a burst of connections must not make a CLI's connect fail with EAGAIN.
      this.server.listen({ path, backlog: 4096 }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Open connections (for tests and the bench). */
  get connections(): number {
    return this.conns.size;
  }

  /** Streams `source`'s records to subscribers, and lets them catch up from it (`fromSeq`). */
  stream(source: EventSource): () => void {
    this.source = source;
    return source.onAppend((r) => this.broadcast(r));
  }

  /** One record to every subscriber; one that cannot keep up is dropped rather than buffered without bound. */
  broadcast(event: StreamRecord): void {
    if (this.subscribers.size === 0) return;
    const frame = encodeFrame({ event });
    for (const s of this.subscribers.values()) s.live(event.seq, frame);
  }

  close(): Promise<void> {
    for (const s of this.conns.keys()) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Room for one more: drops the oldest connection that waits for no answer and did not subscribe. */
  private makeRoom(): boolean {
    if (this.conns.size < (this.options.maxConnections ?? 1024)) return true;
    for (const [s, c] of this.conns) {
      if (c.inFlight === 0 && !c.subscribed) {
        this.conns.delete(s);
        s.destroy();
        return true;
      }
    }
    return false;
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined);
    if (!this.makeRoom()) {
      // Every slot waits for an answer or streams events: say why rather than hang up silently.
      socket.end(encodeFrame({ id: null, ok: false, error: { code: 'IPC', message: 'the controller has too many connections open; try again' } }));
      return;
    }
    const state: Conn = { inFlight: 0, subscribed: false };
    this.conns.set(socket, state);
    const idleMs = this.options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    // A client that sends requests faster than they are answered is paused, not queued without
    // bound: one flooding client must not starve the control client everyone shares.
    const MAX_IN_FLIGHT = 32;
    let frameTimer: NodeJS.Timeout | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    let frames = 0;
    const send = (obj: unknown) => {
      if (!socket.destroyed) socket.write(encodeFrame(obj));
    };
    const fail = (id: number | null, error: IpcErrorBody) => send({ id, ok: false, error });
    const splitter = new LineSplitter(
      (line) => {
        frames += 1;
        if (++state.inFlight >= MAX_IN_FLIGHT) socket.pause();
        // An answer may take long (message.wait): the idle clock stops while one is awaited.
        clearTimeout(idleTimer);
        void this.dispatch(line, send, fail, conn).finally(() => {
          if (--state.inFlight < MAX_IN_FLIGHT && socket.isPaused()) socket.resume();
          armIdle();
        });
      },
      () => fail(null, { code: 'IPC', message: 'frame too large; the limit is 1 MiB per line' }),
    );
    const conn: IpcConnection = {
      subscribe: (fromSeq) => {
        if (this.subscribers.has(socket)) throw new MiyabiError('USAGE', 'this connection is subscribed already');
        if (fromSeq !== undefined && this.source === null) throw new MiyabiError('USAGE', 'this server keeps no journal to replay from');
        const most = this.options.maxSubscribers ?? MAX_SUBSCRIBERS;
        if (this.subscribers.size >= most) {
          throw new MiyabiError('IPC', `the controller streams events to ${this.subscribers.size} subscribers already, the most it serves (${most}); this one is refused`, {
            hint: 'close a dashboard, conductor or `miyabi tail` you no longer watch, then try again',
          });
        }
        const sub = fromSeq === undefined || this.source === null ? new Subscription(socket, this.source?.lastSeq ?? 0) : Subscription.catchUp(socket, this.source, fromSeq);
        this.subscribers.set(socket, sub);
        state.subscribed = true;
        clearTimeout(idleTimer); // a subscriber is quiet by nature
        return this.source === null ? undefined : sub.afterSeq;
      },
    };
    // A connection that neither asks nor listens is dropped, so idle clients cannot use up the
    // table. Only a request restarts the clock: stray bytes or empty lines do not.
    const armIdle = () => {
      clearTimeout(idleTimer);
      if (state.inFlight === 0 && !state.subscribed) idleTimer = setTimeout(() => socket.destroy(), idleMs);
    };
    armIdle();
    socket.on('data', (d: Buffer) => {
      const before = frames;
      splitter.push(d);
      if (splitter.pending === 0 || frames !== before) {
        clearTimeout(frameTimer);
        frameTimer = undefined;
      }
      if (splitter.pending > 0) {
        // From the frame's first byte, not its last: a byte every few seconds does not keep it.
        frameTimer ??= setTimeout(() => socket.destroy(), this.options.partialFrameTimeoutMs ?? 5_000);
      }
    });
    socket.on('close', () => {
      clearTimeout(frameTimer);
      clearTimeout(idleTimer);
      this.subscribers.delete(socket);
      this.conns.delete(socket);
    });
  }

  private async dispatch(
    line: string,
    send: (o: unknown) => void,
    fail: (id: number | null, e: IpcErrorBody) => void,
    conn: IpcConnection,
  ): Promise<void> {
    let req: Partial<IpcRequest>;
    try {
      req = JSON.parse(line) as Partial<IpcRequest>;
    } catch {
      return fail(null, { code: 'IPC', message: 'frame is not valid JSON' });
    }
    if (typeof req !== 'object' || req === null || typeof req.id !== 'number' || typeof req.type !== 'string') {
      return fail(null, { code: 'IPC', message: 'a request needs a numeric "id" and a string "type"' });
    }
    const handler = Object.hasOwn(this.handlers, req.type) ? this.handlers[req.type] : undefined;
    if (!handler) {
      return fail(req.id, {
        code: 'USAGE',
        message: `unknown request type "${req.type}"; known: ${Object.keys(this.handlers).sort().join(', ')}`,
      });
    }
    const parsed = handler.schema.safeParse(req.payload ?? {});
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
      return fail(req.id, { code: 'USAGE', message: `bad payload for "${req.type}": ${why}` });
    }
    try {
      const result = await handler.handle(parsed.data, conn);
      send({ id: req.id, ok: true, result: result ?? null });
    } catch (err) {
      if (isMiyabiError(err)) return fail(req.id, err.toJSON());
      this.options.onError?.(err);
      fail(req.id, { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
    }
  }
}
