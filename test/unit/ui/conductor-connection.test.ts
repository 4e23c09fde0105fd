/**
 * The conductor's connection against the server's idle drop (issue #11: the IPC server closes a
 * connection that asks nothing for IDLE_TIMEOUT_MS). Modelled here: a connection the server has
 * already closed, whose close the conductor has not seen yet, fails the next request with
 * "connection closed" — the race a command typed after ten quiet seconds could lose.
 */
import { describe, expect, it, vi } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { IDLE_TIMEOUT_MS } from '../../../src/ipc/protocol.js';
import { LazyControllerClient } from '../../../src/ui/conductor/connection.js';

function fakeServer() {
  let t = 0;
  let release = () => undefined as void;
  const conns: Array<{ closed: boolean; lastUsed: number; waiting: number }> = [];
  const connect = async () => {
    const c = { closed: false, lastUsed: t, waiting: 0 };
    conns.push(c);
    return {
      onClose: () => undefined,
      close: () => void (c.closed = true),
      request: async (type: string) => {
        // The server dropped it as idle; the client has not been told yet.
        if (c.closed || (c.waiting === 0 && t - c.lastUsed >= IDLE_TIMEOUT_MS)) throw new MiyabiError('CONTROLLER_DOWN', 'connection to the controller closed');
        c.waiting += 1;
        if (type === 'slow') await new Promise<void>((r) => (release = r)); // message.wait: an answer awaited is not idle
        c.waiting -= 1;
        if (c.closed) throw new MiyabiError('CONTROLLER_DOWN', 'connection to the controller closed');
        c.lastUsed = t;
        return `${type} #${conns.indexOf(c) + 1}`;
      },
    };
  };
  return { conns, connect, now: () => t, wait: (ms: number) => void (t += ms), release: () => release() };
}

describe('the conductor keeps working across the server dropping idle connections', () => {
  it('a command after a quiet spell goes over a fresh connection, the old one closed; one in quick succession reuses it', async () => {
    const s = fakeServer();
    const c = new LazyControllerClient('/nowhere', s.connect as never, { now: s.now });
    expect(await c.request('ping')).toBe('ping #1');
    s.wait(1000);
    expect(await c.request('ping')).toBe('ping #1');
    s.wait(IDLE_TIMEOUT_MS + 1); // the server dropped it; the close has not reached the conductor
    expect(await c.request('status')).toBe('status #2');
    expect(s.conns.map((x) => x.closed)).toEqual([true, false]);
    s.wait(IDLE_TIMEOUT_MS / 2 - 1);
    expect(await c.request('ping')).toBe('ping #2');
    c.close();
    await vi.waitFor(() => expect(s.conns.every((x) => x.closed)).toBe(true));
  });

  it('a long answer is not a quiet spell: the connection is kept while a request waits on it', async () => {
    const s = fakeServer();
    const c = new LazyControllerClient('/nowhere', s.connect as never, { now: s.now });
    const slow = c.request('slow' as 'ping');
    await vi.waitFor(() => expect(s.conns[0]?.waiting).toBe(1));
    s.wait(IDLE_TIMEOUT_MS * 2);
    expect(await c.request('ping')).toBe('ping #1');
    s.release();
    expect(await slow).toBe('slow #1');
    expect(s.conns).toHaveLength(1);
    c.close();
  });
});
