/**
 * One `subscribe` connection: the journal's records as `{event}` frames, live, or first every
 * record after `fromSeq` read back from the journal and then live, with no gap and no duplicate at
 * the seam. Live records that arrive during the catch-up wait in a buffer; those the replay has
 * already sent are dropped by seq.
 */
import type { Socket } from 'node:net';
import { MiyabiError } from '../core/errors.js';
import { encodeFrame } from './frames.js';
import type { JournalEventFrame } from './protocol.js';

export type StreamRecord = JournalEventFrame['event'];

/** What a server streams from: core/journal.ts's Journal is one. */
export interface EventSource {
  readonly lastSeq: number;
  /** Seq of the oldest record still on disk (lastSeq + 1 when there is none). */
  readonly firstSeq: number;
  onAppend(listener: (record: StreamRecord) => void): () => void;
  /** Records with seq > afterSeq up to lastSeq as of the call. */
  replay(afterSeq: number): Iterable<StreamRecord>;
}

/** A subscriber whose socket holds more than this unsent is dropped rather than buffered without bound. */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;
/** Replayed records written per turn of the event loop, so a long catch-up never blocks the controller. */
const REPLAY_BATCH = 256;
/** Live records kept while catching up; a catch-up that falls this far behind is dropped. */
const MAX_BUFFERED = 100_000;

export class Subscription {
  /** Non-null while catching up: live records wait here. */
  private buffered: Array<{ seq: number; frame: string }> | null = null;
  private lastSent: number;
  /** The stream holds every record with a greater seq. */
  readonly afterSeq: number;

  constructor(
    private readonly socket: Socket,
    afterSeq: number,
  ) {
    this.afterSeq = afterSeq;
    this.lastSent = afterSeq;
  }

  /**
   * Checks `fromSeq` against what the journal still holds and starts buffering live records now
   * (synchronously, before any await), so nothing appended from here on can be missed. The
   * replay itself starts on the next turn, after the `subscribe` answer is written.
   */
  static catchUp(socket: Socket, source: EventSource, fromSeq: number): Subscription {
    const last = source.lastSeq;
    if (fromSeq < source.firstSeq - 1) {
      throw new MiyabiError('NOT_FOUND', `journal records ${fromSeq + 1}..${source.firstSeq - 1} were compacted; the oldest kept is ${source.firstSeq}`, {
        hint: 'subscribe without fromSeq (live only), or from a seq the journal still holds',
        detail: { fromSeq, firstSeq: source.firstSeq },
      });
    }
    // A client that saw seqs beyond this journal's end (another journal, since reset) gets everything new.
    const sub = new Subscription(socket, Math.min(fromSeq, last));
    sub.buffered = [];
    const records = source.replay(sub.lastSent)[Symbol.iterator]();
    // A replay that fails (a damaged journal) ends the connection: the client reconnects and says so.
    setImmediate(() => void sub.drain(records).catch(() => socket.destroy()));
    return sub;
  }

  /** A live record, already encoded once for every subscriber. */
  live(seq: number, frame: string): void {
    if (this.buffered === null) return this.write(seq, frame);
    if (this.buffered.length >= MAX_BUFFERED) return void this.socket.destroy();
    this.buffered.push({ seq, frame });
  }

  private write(seq: number, frame: string): void {
    if (seq <= this.lastSent || this.socket.destroyed) return;
    if (this.socket.writableLength > MAX_UNSENT_BYTES) return void this.socket.destroy();
    this.lastSent = seq;
    this.socket.write(frame);
  }

  private async drain(records: Iterator<StreamRecord>): Promise<void> {
    try {
      for (;;) {
        for (let i = 0; i < REPLAY_BATCH; i++) {
          const n = records.next();
          if (n.done) return this.goLive();
          this.write(n.value.seq, encodeFrame({ event: n.value }));
        }
        if (this.socket.destroyed) return;
        // Let the socket drain and the controller breathe between batches.
        if (this.socket.writableLength > MAX_UNSENT_BYTES / 2) await drained(this.socket);
        else await new Promise((r) => setImmediate(r));
      }
    } finally {
      records.return?.();
    }
  }

  private goLive(): void {
    const waiting = this.buffered ?? [];
    this.buffered = null;
    for (const w of waiting) this.write(w.seq, w.frame);
  }
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}
