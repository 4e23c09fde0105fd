import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { ControllerLink, type JournalEvent, type LinkClient } from '../../../src/ui/dashboard/link.js';
import type { ConnectionState } from '../../../src/ui/dashboard/model.js';
import { pane, startFakeController, type FakeController } from '../../helpers/fake-controller.js';

const open: { link?: ControllerLink; fc?: FakeController }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.link?.stop();
    await o.fc?.dispose();
  }
});

function watch(fc: FakeController, pollMs = 600_000) {
  const statuses: StatusResult[] = [];
  const states: ConnectionState['kind'][] = [];
  const link = new ControllerLink({
    socketPath: fc.socketPath,
    pollMs,
    initialBackoffMs: 20,
    maxBackoffMs: 100,
    onStatus: (s) => statuses.push(s),
    onConnection: (c) => states.push(c.kind),
  });
  open.push({ link, fc });
  link.start();
  return { link, statuses, states };
}

describe('ControllerLink (against the real IPC server)', () => {
  it('subscribes, fetches status at start and again on each journal event', async () => {
    const fc = await startFakeController();
    const w = watch(fc);
    await vi.waitFor(() => expect(w.statuses).toHaveLength(1));
    expect(w.states).toEqual(['connecting', 'connected']);
    expect(fc.requests.slice(0, 2)).toEqual(['subscribe', 'status']);
    fc.setPanes([pane('only', 'agent', 5)]);
    fc.emit('pane.alive', { paneId: '%5' });
    await vi.waitFor(() => expect(w.statuses.at(-1)?.panes.map((p) => p.name)).toEqual(['only']));
  });

  it('polls for uptime without events', async () => {
    const fc = await startFakeController();
    const w = watch(fc, 30);
    await vi.waitFor(() => expect(w.statuses.length).toBeGreaterThanOrEqual(3));
  });

  it('reports the controller gone and reconnects when it comes back', async () => {
    const fc = await startFakeController();
    const w = watch(fc);
    await vi.waitFor(() => expect(w.states.at(-1)).toBe('connected'));
    await fc.stop();
    await vi.waitFor(() => expect(w.states).toContain('down'));
    // It keeps trying while the socket is missing.
    await vi.waitFor(() => expect(w.states.filter((s) => s === 'down').length).toBeGreaterThanOrEqual(3));
    const before = w.statuses.length;
    await fc.start();
    await vi.waitFor(() => expect(w.states.at(-1)).toBe('connected'));
    expect(w.statuses.length).toBe(before + 1);
  });

  it('reconnects with the last seq it saw: every record appended while it was away comes once, in order, then live ones', async () => {
    const fc = await startFakeController({ journal: true });
    const j = fc.journal!;
    j.append('pane.gone', { paneId: '%0' }); // before the dashboard: not replayed
    const seen: number[] = [];
    const states: ConnectionState['kind'][] = [];
    const link = new ControllerLink({
      socketPath: fc.socketPath, pollMs: 600_000, initialBackoffMs: 20, maxBackoffMs: 100,
      onStatus: () => undefined, onConnection: (c) => states.push(c.kind), onEvent: (e) => seen.push(e.seq),
    });
    open.push({ link, fc });
    link.start();
    await vi.waitFor(() => expect(states.at(-1)).toBe('connected'));
    for (let i = 1; i <= 3; i++) j.append('pane.gone', { paneId: `%${i}` });
    await vi.waitFor(() => expect(seen).toEqual([2, 3, 4]));
    await fc.stop();
    await vi.waitFor(() => expect(states).toContain('down'));
    for (let i = 4; i <= 9; i++) j.append('pane.gone', { paneId: `%${i}` }); // missed while away
    await fc.start();
    await vi.waitFor(() => expect(seen).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]));
    j.append('pane.gone', { paneId: '%10' });
    await vi.waitFor(() => expect(seen).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
  });

});

/** A hand-driven client: every request waits until the test answers it. */
class ManualClient implements LinkClient {
  pending: { type: string; resolve: (v: unknown) => void }[] = [];
  listener: ((e: JournalEvent) => void) | undefined;
  closed = false;
  request<T>(type: string): Promise<T> {
    if (type === 'subscribe') return Promise.resolve(undefined as T);
    return new Promise<T>((resolve) => this.pending.push({ type, resolve: resolve as (v: unknown) => void }));
  }
  async subscribe(l: (e: JournalEvent) => void): Promise<void> {
    this.listener = l;
  }
  onClose(): void {}
  close(): void {
    this.closed = true;
  }
  emit(): void {
    this.listener?.({ seq: 1, ts: 0, type: 'pane.alive', payload: {} });
  }
}

const flush = () => new Promise((r) => setImmediate(r));

describe('ControllerLink (hand-driven)', () => {
  it('coalesces a burst of events into one fetch', async () => {
    const client = new ManualClient();
    const statuses: unknown[] = [];
    const link = new ControllerLink({
      socketPath: 'x',
      pollMs: 600_000,
      eventFetchDelayMs: 20,
      connect: async () => client,
      onStatus: (s) => statuses.push(s),
      onConnection: () => undefined,
    });
    open.push({ link });
    link.start();
    await vi.waitFor(() => expect(client.pending).toHaveLength(1));
    client.pending.shift()?.resolve({ n: 0 });
    await flush();
    // 50 events in a burst (100 records a second is a burst every few ms): one fetch after them.
    for (let i = 0; i < 50; i++) client.emit();
    expect(client.pending).toHaveLength(0);
    await vi.waitFor(() => expect(client.pending).toHaveLength(1));
    client.pending.shift()?.resolve({ n: 1 });
    await flush();
    await new Promise((r) => setTimeout(r, 60));
    expect(client.pending).toHaveLength(0);
    expect(statuses).toEqual([{ n: 0 }, { n: 1 }]);
  });

  it('stop() during a connect closes the late client and reports nothing more', async () => {
    const client = new ManualClient();
    let connected: (c: LinkClient) => void = () => undefined;
    const states: string[] = [];
    const link = new ControllerLink({
      socketPath: 'x',
      connect: () => new Promise<LinkClient>((r) => (connected = r)),
      onStatus: () => states.push('status'),
      onConnection: (c) => states.push(c.kind),
    });
    link.start();
    link.stop();
    connected(client);
    await flush();
    expect(client.closed).toBe(true);
    expect(client.listener).toBeUndefined();
    expect(states).toEqual(['connecting']);
  });
});
