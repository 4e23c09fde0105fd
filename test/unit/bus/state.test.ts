import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureInbox } from '../../../src/bus/layout.js';
import { markDelivered } from '../../../src/bus/reader.js';
import { messageState } from '../../../src/bus/state.js';
import { writeMessage } from '../../../src/bus/writer.js';
import type { JournalRecord } from '../../../src/core/journal.js';
import { MessageOutcomes } from '../../../src/controller/message-outcomes.js';
import { useBus } from './helpers.js';

const t = useBus();

describe('messageState (the bus door for one message)', () => {
  it('tells pending, delivered, failed and unknown from where the file is', () => {
    ensureInbox(t.bus, 'bob');
    const a = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'a' }).id;
    const b = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'b' }).id;
    const c = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'c' }).id;
    expect(messageState(t.bus, 'bob', a)).toBe('pending');
    markDelivered(t.bus, 'bob', a, 'D');
    markDelivered(t.bus, 'bob', b, 'F');
    rmSync(join(t.bus, 'bob', 'new', c)); // quarantined, say
    expect([a, b, c].map((id) => messageState(t.bus, 'bob', id))).toEqual(['delivered', 'failed', 'unknown']);
    expect(messageState(t.bus, 'bob', '../../etc/passwd')).toBe('unknown');
  });
});

function fakeJournal() {
  const listeners = new Set<(r: JournalRecord) => void>();
  let seq = 0;
  return {
    onAppend: (l: (r: JournalRecord) => void) => (listeners.add(l), () => void listeners.delete(l)),
    append: (type: string, payload: unknown) => {
      const r = { seq: ++seq, ts: Date.now(), type, payload } as JournalRecord;
      for (const l of listeners) l(r);
    },
  };
}

describe('MessageOutcomes (message.wait in the controller)', () => {
  it("answers from the journal's record, with the deliverer's word, before or after it is written", async () => {
    ensureInbox(t.bus, 'bob');
    const j = fakeJournal();
    const o = new MessageOutcomes(t.bus, j);
    const a = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'a' }).id;
    const b = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'b' }).id;
    const waiting = o.wait('bob', a, 10_000);
    j.append('message.delivered', { to: 'bob', ids: [a], outcome: 'submitted' });
    j.append('message.failed', { to: 'bob', ids: [b], outcome: 'refused', reason: 'no' });
    expect(await waiting).toEqual({ state: 'delivered', outcome: 'submitted', reason: null });
    expect(await o.wait('bob', b, 10_000)).toEqual({ state: 'failed', outcome: 'refused', reason: 'no' });
    o.close();
  });

  it('tells a message decided before it started by the bus, and times out on one still pending', async () => {
    ensureInbox(t.bus, 'bob');
    const o = new MessageOutcomes(t.bus, fakeJournal());
    const a = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'a' }).id;
    const b = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'b' }).id;
    markDelivered(t.bus, 'bob', a, 'D');
    expect(await o.wait('bob', a, 10_000)).toEqual({ state: 'delivered', outcome: null, reason: null });
    expect((await o.wait('bob', b, 5)).state).toBe('timeout');
    const left = o.wait('bob', b, 60_000);
    o.close();
    expect(await left).toEqual({ state: 'timeout', outcome: null, reason: 'the controller stopped' });
  });
});
