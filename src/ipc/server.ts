import { createServer, type Server, type Socket } from 'node:net';
import type { z } from 'zod';
import { isMiyabiError, MiyabiError } from '../core/errors.js';
import { encodeFrame, LineSplitter } from './frames.js';
import type { IpcErrorBody, IpcRequest } from './protocol.js';
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
  /** A connection holding a partial frame for longer than this is dropped (slow-loris). */
  partialFrameTimeoutMs?: number;
  maxConnections?: number;
  /** A connection that sends nothing for this long (and did not subscribe) is closed. */
  idleTimeoutMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * JSON-lines server over a unix socket. Every failure is answered on its own connection; nothing
 * a client sends can stop the controller (RELIABILITY.md, B10).
 */
export class IpcServer {
  private readonly server: Server;
  private readonly subscribers = new Map<Socket, Subscription>();
  private source: EventSource | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly handlers: HandlerTable,
    private readonly options: IpcServerOptions = {},
  ) {
    this.server = createServer((s) => this.accept(s));
    this.server.maxConnections = options.maxConnections ?? 512;
  }

  listen(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
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
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    // A client that sends requests faster than they are answered is paused, not queued without
    // bound: one flooding client must not starve the control client everyone shares.
    let inFlight = 0;
    const MAX_IN_FLIGHT = 32;
    let partialTimer: NodeJS.Timeout | undefined;
    const send = (obj: unknown) => {
      if (!socket.destroyed) socket.write(encodeFrame(obj));
    };
    const fail = (id: number | null, error: IpcErrorBody) => send({ id, ok: false, error });
    const splitter = new LineSplitter(
      (line) => {
        if (++inFlight >= MAX_IN_FLIGHT) socket.pause();
        void this.dispatch(line, send, fail, conn).finally(() => {
          if (--inFlight < MAX_IN_FLIGHT && socket.isPaused()) socket.resume();
        });
      },
      () => fail(null, { code: 'IPC', message: 'frame too large; the limit is 1 MiB per line' }),
    );
    const conn: IpcConnection = {
      subscribe: (fromSeq) => {
        if (this.subscribers.has(socket)) throw new MiyabiError('USAGE', 'this connection is subscribed already');
        if (fromSeq !== undefined && this.source === null) throw new MiyabiError('USAGE', 'this server keeps no journal to replay from');
        const sub = fromSeq === undefined || this.source === null ? new Subscription(socket, this.source?.lastSeq ?? 0) : Subscription.catchUp(socket, this.source, fromSeq);
        this.subscribers.set(socket, sub);
        socket.setTimeout(0); // a subscriber is quiet by nature
        return this.source === null ? undefined : sub.afterSeq;
      },
    };
    // A connection that neither asks nor listens is dropped, so idle clients cannot use up the
    // connection limit.
    socket.setTimeout(this.options.idleTimeoutMs ?? 5 * 60_000, () => socket.destroy());
    socket.on('data', (d: Buffer) => {
      splitter.push(d);
      clearTimeout(partialTimer);
      if (splitter.pending > 0) {
        partialTimer = setTimeout(() => socket.destroy(), this.options.partialFrameTimeoutMs ?? 10_000);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(partialTimer);
      this.subscribers.delete(socket);
      this.sockets.delete(socket);
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
