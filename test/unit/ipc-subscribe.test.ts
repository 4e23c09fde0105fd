import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Journal } from '../../src/core/journal.js';
import { IpcClient, StreamPosition } from '../../src/ipc/client.js';
import type { ReplyOf } from '../../src/ipc/messages/index.js';

type SubscribeResult = ReplyOf<'subscribe'>;
import { IpcServer } from '../../src/ipc/server.js';

let dir = '';
let journal: Journal;
let server: IpcServer;
let sock = '';
const clients: IpcClient[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'miyabi-sub-'));
  journal = Journal.open(join(dir, 'state'), { fsync: 'group', groupMs: 60_000, maxSegmentBytes: 64 * 1024 });
  // The controller's subscribe entry, as in controller/handlers.
  server = new IpcServer({
    subscribe: {
      schema: z.object({ fromSeq: z.number().int().nonnegative().optional() }).strict(),
      describe: 'events',
      handle: (p, conn) => ({ subscribed: true, afterSeq: conn.subscribe((p as { fromSeq?: number }).fromSeq) ?? null }),
    },
  });
  server.stream(journal);
  sock = join(dir, 's.sock');
  await server.listen(sock);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

const gone = (i: number) => journal.append('pane.gone', { paneId: `%${i}` });

async function connect(): Promise<IpcClient> {
  const c = await IpcClient.connect(sock);
  clients.push(c);
  return c;
}

/** Subscribes, collecting seqs; checks the stream never repeats or goes back. */
async function follow(fromSeq?: number): Promise<{ c: IpcClient; seqs: number[]; r: SubscribeResult }> {
  const c = await connect();
  const seqs: number[] = [];
  const r = await c.subscribe((e) => {
    if (seqs.length > 0) expect(e.seq, `after ${seqs.at(-1)}`).toBe(seqs.at(-1)! + 1);
    seqs.push(e.seq);
  }, fromSeq);
  return { c, seqs, r };
}

describe('subscribe with fromSeq', () => {
  it('a client that reconnects with the last seq it saw gets every record it missed, once, in order, then live ones', async () => {
    for (let i = 1; i <= 5; i++) gone(i);
    const pos = new StreamPosition();
    const first = await follow();
    pos.started(first.r);
    expect(first.r.afterSeq).toBe(5);
    for (let i = 6; i <= 8; i++) gone(i);
    await vi.waitFor(() => expect(first.seqs).toEqual([6, 7, 8]), { timeout: 5000, interval: 5 });
    for (const s of first.seqs) pos.saw(s);
    first.c.close();
    // Away: these are missed live…
    for (let i = 9; i <= 20; i++) gone(i);
    const again = await follow(pos.fromSeq);
    expect(again.r.afterSeq).toBe(8);
    await vi.waitFor(() => expect(again.seqs).toEqual(range(9, 20)), { timeout: 5000, interval: 5 });
    gone(21);
    gone(22);
    await vi.waitFor(() => expect(again.seqs).toEqual(range(9, 22)), { timeout: 5000, interval: 5 });
  });

  it('a 5,000-record catch-up with records appended during it: no gap, no duplicate, in order, and the controller stays responsive', async () => {
    for (let i = 1; i <= 5000; i++) gone(i);
    const sub = await follow(0);
    // Appends keep coming while the replay streams: each lands either in the replay or the live buffer.
    const midway: number[] = [];
    for (let i = 5001; i <= 5200; i++) {
      gone(i);
      if (i % 20 === 0) {
        await new Promise((r) => setImmediate(r));
        midway.push(sub.seqs.length);
      }
    }
    await vi.waitFor(() => expect(sub.seqs).toHaveLength(5200), { timeout: 20_000, interval: 10 });
    expect(sub.seqs).toEqual(range(1, 5200));
    // The controller's loop turned (appending) while the replay ran: it is sent in batches, never in one go.
    expect(midway.some((n) => n > 0 && n < 5000)).toBe(true);
  });

  it('refuses a fromSeq older than the journal keeps (compacted), and clamps one past its end', async () => {
    for (let i = 1; i <= 2000; i++) gone(i);
    expect(journal.compact(1000).length).toBeGreaterThan(0);
    const c = await connect();
    await expect(c.subscribe(() => undefined, 0)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/were compacted/) });
    // A client that saw seqs of another (since reset) journal gets what is new here.
    const ahead = await follow(99_999);
    expect(ahead.r.afterSeq).toBe(2000);
    gone(2001);
    await vi.waitFor(() => expect(ahead.seqs).toEqual([2001]), { timeout: 5000, interval: 5 });
  });
});

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}
