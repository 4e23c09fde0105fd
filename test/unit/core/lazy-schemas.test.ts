import { describe, expect, it } from 'vitest';
import { checkEvent, EVENT_TYPES, EVENTS } from '../../../src/core/events/index.js';
import { joined, lazily } from '../../../src/core/lazy.js';
import { gatedTable } from '../../../src/controller/gated-handlers.js';
import { handlerTable, type Impls } from '../../../src/ipc/handlers.js';
import { messages } from '../../../src/ipc/messages/index.js';

// Issue #17: the controller's start-up built every schema of the catalogue and the protocol
// (≈ 900 zod constructions) to use a handful; they are built on first use now.
describe('schemas built on first use', () => {
  it('lazily: each thunk runs at its first read only, once; keys stay own and enumerable', () => {
    let made = 0;
    const o = lazily({ a: () => ({ n: ++made }), b: () => 'b' });
    expect(made).toBe(0);
    expect(Object.keys(o)).toEqual(['a', 'b']);
    expect(Object.hasOwn(o, 'a')).toBe(true);
    expect(made).toBe(0);
    const first = o.a;
    expect(o.a).toBe(first);
    expect(made).toBe(1);
  });

  it('joined reads through, where a spread would build every value', () => {
    let made = 0;
    const j = joined(lazily({ a: () => ++made }), lazily({ b: () => ++made }), { c: 3 });
    expect(made).toBe(0);
    expect(Object.keys(j)).toEqual(['a', 'b', 'c']);
    expect(j.b).toBe(1);
    expect(made).toBe(1);
  });

  it('the event catalogue: every record type a getter until read, and checks as before', () => {
    for (const t of EVENT_TYPES) {
      expect(Object.getOwnPropertyDescriptor(EVENTS, t)?.get, t).toBeTypeOf('function');
    }
    expect(() => checkEvent('session.killed', { session: 's' })).not.toThrow();
    expect(() => checkEvent('session.killed', { session: '' })).toThrow(/refused a "session.killed" record/);
    expect(EVENTS['session.killed']).toBe(EVENTS['session.killed']);
  });

  it("the protocol: each message's schemas, and the server tables' entries, getters until read", () => {
    const table = handlerTable(Object.fromEntries(Object.keys(messages).map((k) => [k, () => null])) as unknown as Impls);
    const gated = gatedTable(new Promise(() => undefined));
    for (const [name, m] of Object.entries(messages)) {
      expect(Object.getOwnPropertyDescriptor(m, 'request')?.get, name).toBeTypeOf('function');
      expect(Object.getOwnPropertyDescriptor(m, 'reply')?.get, name).toBeTypeOf('function');
      expect(Object.getOwnPropertyDescriptor(table[name], 'schema')?.get, name).toBeTypeOf('function');
      expect(Object.getOwnPropertyDescriptor(gated[name], 'schema')?.get, name).toBeTypeOf('function');
    }
    expect(gated.down!.schema).toBe(messages.down.request);
    expect(gated.down!.schema.safeParse({ x: 1 }).success).toBe(false);
  });
});
