/**
 * The controller binds its socket before its parts start (issue #17): requests that come in
 * meanwhile wait for the real table, are answered by it, and fail with the start when it fails.
 */
import { describe, expect, it } from 'vitest';
import { deferred, gatedTable } from '../../../src/controller/gated-handlers.js';
import { messages } from '../../../src/ipc/messages/index.js';
import type { HandlerTable, IpcConnection } from '../../../src/ipc/server.js';

const conn = {} as IpcConnection;

describe('gatedTable: answers wait for the parts', () => {
  it('has every message with its schema, and answers only once the real table is there', async () => {
    const ready = deferred<HandlerTable>();
    const gated = gatedTable(ready.promise);
    expect(Object.keys(gated).sort()).toEqual(Object.keys(messages).sort());
    expect(gated.agents?.schema).toBe(messages.agents.request);
    let answered: unknown = 'not yet';
    const p = Promise.resolve(gated.agents?.handle(undefined, conn)).then((r) => (answered = r));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe('not yet');
    const real: HandlerTable = { ...gated, agents: { ...gated.agents!, handle: () => [{ name: 'a1' }] } };
    ready.resolve(real);
    await p;
    expect(answered).toEqual([{ name: 'a1' }]);
  });

  it('the core answers given as `now` (ping, status) are answered at once, before the parts', async () => {
    const ready = deferred<HandlerTable>();
    const gated = gatedTable(ready.promise, { ping: () => ({ pid: 7, session: 's', journal: { state: 'ok' } }) as never });
    expect(await gated.ping?.handle(undefined, conn)).toEqual({ pid: 7, session: 's', journal: { state: 'ok' } });
  });

  it('a start that fails fails the waiting requests with its error', async () => {
    const ready = deferred<HandlerTable>();
    const gated = gatedTable(ready.promise);
    const p = Promise.resolve(gated.inbox?.handle({}, conn));
    ready.reject(new Error('part triggers failed'));
    await expect(p).rejects.toThrow('part triggers failed');
  });
});
