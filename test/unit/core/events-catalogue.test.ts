import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Signal, StateName } from '../../../src/agents/states/types.js';
import { TASK_PAYLOADS as TASKS_FROM_AGENTS } from '../../../src/agents/tasks/types.js';
import { MiyabiError } from '../../../src/core/errors.js';
import { type AGENT_SIGNALS, type AGENT_STATE_NAMES, checkEvent, EVENT_TYPES, EVENTS, type EventPayload, isEventType, TASK_PAYLOADS } from '../../../src/core/events/index.js';
import { Journal, type JournalRecord } from '../../../src/core/journal.js';
import { useTmpRoot } from './tmp-root.js';

const tmp = useTmpRoot();
const SRC = join(import.meta.dirname, '../../../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Every literal record type handed to the journal in src/: the first argument of `append(`,
 * `appendDurable(` and the pipeline runner's `emit(` (a ternary gives two). Non-literal types are
 * the compiler's job: `append` takes only `EventType`.
 */
function typesInSource(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const call = /\b(?:append|appendDurable|emit)\(\s*([^,{()]*?)\s*,/g;
  for (const file of tsFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) {
      for (const lit of (m[1] ?? '').matchAll(/['"`]([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)['"`]/g)) {
        const where = `${file.slice(SRC.length + 1)}:${text.slice(0, m.index).split('\n').length}`;
        found.set(lit[1]!, [...(found.get(lit[1]!) ?? []), where]);
      }
    }
  }
  return found;
}

describe('the event catalogue', () => {
  it('has a schema for every record type the code appends', () => {
    const found = typesInSource();
    // The scan must see the real call sites, or this test proves nothing.
    expect(found.size).toBeGreaterThan(50);
    for (const t of ['message.delivered', 'pane.died', 'pane.alive', 'stage.finished', 'journal.tail-repaired', 'agent.state']) expect(found.has(t), t).toBe(true);
    const missing = [...found].filter(([t]) => !isEventType(t)).map(([t, at]) => `${t} (${at.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('lists no type the code never writes (task.* are built by agents/tasks, not by literal)', () => {
    const found = typesInSource();
    const unused = EVENT_TYPES.filter((t) => !found.has(t) && !t.startsWith('task.'));
    expect(unused).toEqual([]);
  });

  it('keeps the task schemas in one place, shared with the task fold', () => {
    expect(TASKS_FROM_AGENTS).toBe(TASK_PAYLOADS);
    for (const t of Object.keys(TASK_PAYLOADS)) expect(EVENTS[t as keyof typeof EVENTS]).toBe(TASK_PAYLOADS[t as keyof typeof TASK_PAYLOADS]);
  });

  it("agent state and signal names match agents/states' types", () => {
    // Compile-time: each side assignable to the other.
    const a: StateName[] = [] as (typeof AGENT_STATE_NAMES)[number][];
    const b: (typeof AGENT_STATE_NAMES)[number][] = [] as StateName[];
    const c: Signal[] = [] as (typeof AGENT_SIGNALS)[number][];
    const d: (typeof AGENT_SIGNALS)[number][] = [] as Signal[];
    expect([a, b, c, d]).toHaveLength(4);
  });

  it('checkEvent names the type and the wrong field', () => {
    expect(() => checkEvent('agent.state', { name: 'a1', state: 'sleepy', signal: 'screen', reason: 'r' })).toThrow(/refused a "agent.state" record: state:/);
    expect(() => checkEvent('message.delivered', { to: 'a1', pane: '%1', ids: [] })).toThrow(/ids/);
    expect(() => checkEvent('no.such-type', {})).toThrow(/not a record type/);
    expect(() => checkEvent('pane.gone', { paneId: '%3' })).not.toThrow();
  });
});

describe('Journal append validates against the catalogue', () => {
  it('refuses a bad payload with MiyabiError and writes nothing: no seq, no bytes, no listener call', () => {
    const j = Journal.open(tmp.path);
    j.append('pane.gone', { paneId: '%1' });
    const size = statSync(j.path).size;
    const heard: JournalRecord[] = [];
    j.onAppend((r) => heard.push(r));
    const bad = { to: 'a1', pane: '%1', ids: 'm1', line: 3 } as unknown as EventPayload<'message.delivering'>;
    let err: unknown;
    try {
      j.appendDurable('message.delivering', bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MiyabiError);
    expect((err as MiyabiError).code).toBe('INTERNAL');
    expect((err as MiyabiError).message).toMatch(/refused a "message.delivering" record: ids:/);
    expect(() => j.append('not.a-type' as 'pane.gone', { paneId: '%1' })).toThrow(/not a record type/);
    expect(j.lastSeq).toBe(1);
    expect(statSync(j.path).size).toBe(size);
    expect(heard).toEqual([]);
    expect(j.append('pane.gone', { paneId: '%2' }).seq).toBe(2);
    j.close();
    expect([...Journal.open(tmp.path).replay()].map((r) => r.payload)).toEqual([{ paneId: '%1' }, { paneId: '%2' }]);
  });

  it('on(type) hears only that type, typed, in seq order; a throwing listener breaks neither the append nor the others', () => {
    const errors: unknown[] = [];
    const j = Journal.open(tmp.path, { onError: (e) => errors.push(e) });
    const order: string[] = [];
    j.on('agent.state', (r) => order.push(`state ${r.seq} ${r.payload.name}=${r.payload.state}`));
    j.on('agent.state', () => {
      throw new Error('listener bug');
    });
    const off = j.on('pane.gone', (r) => {
      order.push(`gone ${r.seq} ${r.payload.paneId}`);
      // Re-entrant: the listener's own record is heard after this one.
      if (r.payload.paneId === '%1') j.append('agent.state', { name: 'a1', state: 'dead', signal: 'process', reason: 'pane gone' });
    });
    j.onAppend((r) => order.push(`all ${r.seq}`));
    const first = j.append('pane.gone', { paneId: '%1' });
    expect(first.seq).toBe(1);
    expect(order).toEqual(['gone 1 %1', 'all 1', 'state 2 a1=dead', 'all 2']);
    expect(errors).toHaveLength(1);
    off();
    j.append('pane.gone', { paneId: '%9' });
    expect(order.at(-1)).toBe('all 3');
    j.close();
  });

  it('validation cost per append is small beside the append itself (printed, not asserted)', () => {
    const payload: EventPayload<'message.delivered'> = { to: 'agent-1', pane: '%12', ids: ['1718000000000.12345_1.host'], ms: 3, outcome: 'submitted', attempts: 1 };
    const n = 50_000;
    for (let i = 0; i < 2000; i++) checkEvent('message.delivered', payload);
    let t0 = performance.now();
    for (let i = 0; i < n; i++) checkEvent('message.delivered', payload);
    const checkUs = ((performance.now() - t0) * 1000) / n;
    const j = Journal.open(tmp.path, { fsync: 'group', groupMs: 60_000 });
    t0 = performance.now();
    for (let i = 0; i < n / 5; i++) j.append('message.delivered', payload);
    const appendUs = ((performance.now() - t0) * 1000) / (n / 5);
    j.close();
    console.log(`checkEvent(message.delivered): ${checkUs.toFixed(2)} µs; whole append incl. check (group fsync): ${appendUs.toFixed(2)} µs`);
    expect(checkUs).toBeGreaterThan(0);
  });
});
