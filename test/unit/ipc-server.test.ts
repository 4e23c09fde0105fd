import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { IpcClient } from '../../src/ipc/client.js';
import { IpcServer } from '../../src/ipc/server.js';

let dir = '';
let server: IpcServer | undefined;
afterEach(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('IPC server', () => {
  it('drops a connection that stays idle, but keeps a subscriber', async () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-ipc-'));
    const path = join(dir, 's.sock');
    server = new IpcServer(
      {
        ping: { schema: z.object({}), describe: 'ping', handle: () => 'pong' },
        subscribe: { schema: z.object({}), describe: 'events', handle: (_p, conn) => conn.subscribe() },
      },
      { idleTimeoutMs: 100 },
    );
    await server.listen(path);
    const idle = createConnection(path);
    const closed = new Promise((r) => idle.once('close', r));
    const sub = await IpcClient.connect(path);
    await sub.subscribe(() => undefined);
    await closed;
    // A second idle connection, opened after the subscription, is dropped in turn: by then the
    // subscriber has been quiet for longer than the idle time, and must still be served.
    const later = createConnection(path);
    await new Promise((r) => later.once('close', r));
    expect(await sub.request('ping')).toBe('pong');
    sub.close();
  });

  // B20 (issue #11, item 3): connections that ask nothing cannot lock the CLI out.
  const table = {
    ping: { schema: z.object({}), describe: 'ping', handle: () => 'pong' },
    slow: { schema: z.object({}), describe: 'slow', handle: () => new Promise((r) => setTimeout(() => r('late'), 400)) },
  };
  const closed = (s: Socket) => {
    s.on('error', () => undefined); // EPIPE from a write racing the drop
    return new Promise<number>((r) => s.once('close', () => r(Date.now())));
  };

  it('B20: a frame trickled a byte at a time is dropped at the frame deadline, counted from its first byte', async () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-ipc-'));
    const path = join(dir, 's.sock');
    server = new IpcServer(table, { partialFrameTimeoutMs: 300, idleTimeoutMs: 60_000 });
    await server.listen(path);
    const s = createConnection(path);
    const start = Date.now();
    const done = closed(s);
    const drip = setInterval(() => s.write('{'), 50); // each byte sooner than the deadline
    const at = await done;
    clearInterval(drip);
    expect(at - start).toBeGreaterThanOrEqual(250);
    // Whole frames sent in pieces (each finished within the deadline) keep a connection alive.
    const c = createConnection(path);
    await new Promise((r) => c.once('connect', r));
    let answers = '';
    c.on('data', (d) => (answers += String(d)));
    for (let i = 0; i < 8; i++) {
      c.write('{"id":1,');
      await new Promise((r) => setTimeout(r, 60));
      c.write('"type":"ping"}\n');
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(c.destroyed).toBe(false);
    expect(answers.split('\n').filter(Boolean)).toHaveLength(8);
    c.destroy();
  });

  it('B20: only a request restarts the idle clock (empty lines do not), and a request in flight is never dropped as idle', async () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-ipc-'));
    const path = join(dir, 's.sock');
    server = new IpcServer(table, { idleTimeoutMs: 150 });
    await server.listen(path);
    const s = createConnection(path);
    const done = closed(s);
    const blank = setInterval(() => s.write('\n'), 30);
    await done;
    clearInterval(blank);
    const c = await IpcClient.connect(path);
    expect(await c.request('slow' as 'ping', undefined, 2000)).toBe('late'); // longer than the idle time
    c.close();
  });

  it('B20: when full, a newcomer takes the place of the oldest idle connection; busy ones and subscribers stay', async () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-ipc-'));
    const path = join(dir, 's.sock');
    server = new IpcServer({ ...table, subscribe: { schema: z.object({}), describe: 'events', handle: (_p, conn) => conn.subscribe() } }, { maxConnections: 3, idleTimeoutMs: 60_000 });
    await server.listen(path);
    const sub = await IpcClient.connect(path);
    await sub.subscribe(() => undefined);
    const busy = await IpcClient.connect(path);
    const slow = busy.request('slow' as 'ping', undefined, 5000);
    const idle = createConnection(path);
    const idleClosed = closed(idle);
    await new Promise((r) => idle.once('connect', r));
    await new Promise((r) => setTimeout(r, 50));
    const cli = await IpcClient.connect(path); // the table is full: the idle one makes room
    expect(await cli.request('ping')).toBe('pong');
    await idleClosed;
    expect(await slow).toBe('late');
    expect(await sub.request('ping')).toBe('pong');
    // Full of connections that all wait for an answer or subscribed: a newcomer is told why.
    const hold = [cli.request('slow' as 'ping', undefined, 5000), busy.request('slow' as 'ping', undefined, 5000)];
    const extra = createConnection(path);
    let said = '';
    extra.on('data', (d) => (said += String(d)));
    await closed(extra);
    expect(said).toContain('too many connections');
    await Promise.all(hold);
    for (const c of [sub, busy, cli]) c.close();
  });

  it('B20: subscribers are capped: past the cap subscribe is refused with the reason, and the CLI still gets in', async () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-ipc-'));
    const path = join(dir, 's.sock');
    server = new IpcServer({ ...table, subscribe: { schema: z.object({}), describe: 'events', handle: (_p, conn) => conn.subscribe() } }, { maxConnections: 4, maxSubscribers: 2, idleTimeoutMs: 60_000 });
    await server.listen(path);
    const subs = await Promise.all([1, 2].map(() => IpcClient.connect(path)));
    for (const c of subs) await c.subscribe(() => undefined);
    const third = await IpcClient.connect(path);
    await expect(third.subscribe(() => undefined)).rejects.toThrow(/streams events to 2 subscribers already, the most it serves \(2\)/);
    // Refused, it is a plain connection: the table still has room for a request, and the next one.
    expect(await third.request('ping')).toBe('pong');
    const cli = await IpcClient.connect(path);
    expect(await cli.request('ping')).toBe('pong');
    // A subscriber that leaves frees its place.
    subs[0]!.close();
    await vi.waitFor(() => expect(server!.connections).toBe(3));
    await expect(third.subscribe(() => undefined)).resolves.toBeDefined();
    for (const c of [...subs, third, cli]) c.close();
  });
});
