import type { Socket } from 'node:net';
import { MiyabiError, errorFromJSON } from '../core/errors.js';
import { lazyNet } from '../core/lazy-builtins.js';
import { encodeFrame, LineSplitter } from './frames.js';
import type { MessageName, ReplyOf, RequestOf } from './messages/index.js';
import type { IpcResponse, JournalEventFrame } from './protocol.js';

/** A request's payload and timeout; the payload may be left out when the message asks nothing. */
export type RequestArgs<K extends MessageName> = Record<never, never> extends RequestOf<K>
  ? [payload?: RequestOf<K>, timeoutMs?: number]
  : [payload: RequestOf<K>, timeoutMs?: number];

/**
 * What the dashboard and the conductor need of a connection (tests pass fakes): requests typed
 * by the message they name. IpcClient's own `request` is stricter: a payload the message needs
 * may not be left out.
 */
export interface Requester {
  request<K extends MessageName>(type: K, payload?: RequestOf<K>, timeoutMs?: number): Promise<ReplyOf<K>>;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** A client of the controller's IPC socket: request/response plus an optional event stream. */
export class IpcClient implements Requester {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private eventListeners = new Set<(e: JournalEventFrame['event']) => void>();
  private closeListeners = new Set<() => void>();
  private closed = false;

  private constructor(private readonly socket: Socket) {
    const splitter = new LineSplitter(
      (line) => this.onLine(line),
      () => this.failAll(new MiyabiError('IPC', 'controller sent an oversized frame')),
    );
    socket.on('data', (d: Buffer) => splitter.push(d));
    socket.on('close', () => {
      this.closed = true;
      this.failAll(new MiyabiError('CONTROLLER_DOWN', 'connection to the controller closed'));
      for (const l of this.closeListeners) l();
    });
    socket.on('error', () => {
      // 'close' follows and fails what is pending.
    });
  }

  static async connect(path: string, timeoutMs = 2000): Promise<IpcClient> {
    // Loaded here, not at the top: `miyabi send` bundles this client for --wait, and node:net
    // costs every plain send a few milliseconds at start for nothing.
    const { createConnection } = lazyNet();
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new MiyabiError('IPC_TIMEOUT', `no answer from the controller socket ${path}`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new IpcClient(socket));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new MiyabiError('CONTROLLER_DOWN', `the controller is not running (${err.code ?? err.message} at ${path})`, {
            hint: 'start it with `miyabi up`',
            cause: err,
          }),
        );
      });
    });
  }

  request<K extends MessageName>(type: K, ...[payload, timeoutMs = 10_000]: RequestArgs<K>): Promise<ReplyOf<K>> {
    if (this.closed) return Promise.reject(new MiyabiError('CONTROLLER_DOWN', 'connection to the controller closed'));
    const id = this.nextId++;
    return new Promise<ReplyOf<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new MiyabiError('IPC_TIMEOUT', `the controller did not answer "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(encodeFrame({ id, type, payload }));
    });
  }

  /**
   * Streams journal events from now on, or, with `fromSeq` (the last seq this client saw), first
   * every record after it, then live ones: in seq order, each once. Resolves once the controller
   * has accepted, with the seq the stream starts after (null from a server with no journal): a
   * client that remembers it, and then each event's seq, can reconnect with `fromSeq` and miss
   * nothing. A `fromSeq` older than the journal keeps fails NOT_FOUND.
   */
  async subscribe(listener: (e: JournalEventFrame['event']) => void, fromSeq?: number): Promise<ReplyOf<'subscribe'>> {
    this.eventListeners.add(listener);
    const payload: RequestOf<'subscribe'> = fromSeq === undefined ? {} : { fromSeq };
    try {
      return await this.request('subscribe', payload);
    } catch (e) {
      this.eventListeners.delete(listener);
      throw e;
    }
  }

  onClose(listener: () => void): void {
    this.closeListeners.add(listener);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    if ('event' in msg) {
      for (const l of this.eventListeners) l((msg as JournalEventFrame).event);
      return;
    }
    const res = msg as IpcResponse;
    if (typeof res.id !== 'number') return;
    const p = this.pending.get(res.id);
    if (!p) return;
    this.pending.delete(res.id);
    clearTimeout(p.timer);
    if (res.ok) p.resolve(res.result);
    // A peer that is not a controller may send `ok: false` with no error at all.
    else p.reject(errorFromJSON(typeof res.error === 'object' && res.error !== null ? res.error : { code: 'IPC', message: 'the peer answered with an error it did not describe' }));
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}

/**
 * How far a subscriber has read the journal: reconnecting with `fromSeq` gets every record it
 * missed, once (the dashboard, the conductor's notices, `run --wait`).
 */
export class StreamPosition {
  private seen: number | undefined;

  /** What to pass as `fromSeq` on the next subscribe: undefined before the first one answered. */
  get fromSeq(): number | undefined {
    return this.seen;
  }

  /** The subscribe answer. Events may have been handled before it (same chunk): they count first. */
  started(r: { afterSeq?: number | null } | void): void {
    if (this.seen === undefined && r && typeof r.afterSeq === 'number') this.seen = r.afterSeq;
  }

  saw(seq: number): void {
    if (this.seen === undefined || seq > this.seen) this.seen = seq;
  }

  /** After a refused fromSeq (the records were compacted): the next subscribe is live only. */
  forget(): void {
    this.seen = undefined;
  }
}
