import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
});
