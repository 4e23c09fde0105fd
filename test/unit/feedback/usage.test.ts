import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventSink } from '../../../src/core/events/index.js';
import { MetricsFold } from '../../../src/feedback/fold.js';
import { DEFAULT_PRICES, costOf, loadPrices } from '../../../src/feedback/prices.js';
import { readerOf, toSeries } from '../../../src/feedback/series.js';
import { UsageRecorder } from '../../../src/feedback/usage.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'miyabi-fbu-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const turn = (id: string, u: Record<string, number>, model = 'claude-sonnet-4-5-20250929') =>
  JSON.stringify({ type: 'assistant', requestId: `req_${id}`, message: { id, model, role: 'assistant', usage: u } }) + '\n';

describe('tokens and costs from a Claude Code transcript', () => {
  it('counts each message once (cache reads and writes included), attributes it to the task, and prices it as an estimate', () => {
    const file = join(dir, 'session.jsonl');
    const u1 = { input_tokens: 10, output_tokens: 200, cache_creation_input_tokens: 5000, cache_read_input_tokens: 0 };
    const u2 = { input_tokens: 20, output_tokens: 300, cache_creation_input_tokens: 100, cache_read_input_tokens: 5000 };
    writeFileSync(file, JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }) + '\n' + turn('msg_1', u1) + turn('msg_1', u1) + turn('msg_2', u2) + '{"type":"assist');
    const fold = new MetricsFold();
    let seq = 0;
    const apply = (type: string, payload: unknown) => fold.apply({ seq: ++seq, ts: 1000 + seq, type, payload });
    apply('task.added', { id: 'T1', text: 'x', priority: 'normal', labels: [], timeoutMs: null });
    apply('task.assigned', { id: 'T1', agent: 'a1' });
    const journal: EventSink = { append: apply, appendDurable: apply } as EventSink;
    const prices = loadPrices();
    const rec = new UsageRecorder({ state: () => fold.state, journal, prices: () => prices });
    const r = rec.record('a1', file);
    expect(r).toMatchObject({ turns: 2, input: 30, output: 500, cacheCreation: 5100, cacheRead: 5000 });
    // sonnet-4: $3 in, $15 out, $3.75 cache write, $0.30 cache read per million.
    expect(r.costUsd).toBeCloseTo((30 * 3 + 500 * 15 + 5100 * 3.75 + 5000 * 0.3) / 1e6, 12);
    // Again with nothing new: nothing counted twice.
    expect(rec.record('a1', file).turns).toBe(0);
    // The torn last line, once whole, is the next turn.
    appendFileSync(file, `ant","message":{"id":"msg_3","model":"claude-sonnet-4-5","usage":{"input_tokens":1,"output_tokens":2,"cache_read_input_tokens":10000}}}\n`);
    expect(rec.record('a1', file)).toMatchObject({ turns: 1, input: 1, output: 2, cacheRead: 10_000 });
    const m = readerOf(() => toSeries(fold.state, { now: 5000, budgets: { tokens: { a1: 100_000 } } }));
    expect(m.value('agent.tokens_cacheRead', { agent: 'a1' })).toBe(15_000);
    expect(m.value('agent.context_share', { agent: 'a1' })).toBeCloseTo(10_001 / 200_000, 12);
    expect(m.value('agent.budget_tokens_share', { agent: 'a1' })).toBeCloseTo((31 + 502 + 5100 + 15_000) / 100_000, 12);
    expect(fold.state.usageByTask.get('T1')).toMatchObject({ tokens_input: 31, tokens_output: 502, tokens_cacheCreation: 5100, tokens_cacheRead: 15_000 });
  });

  it('a model missing from the table has no cost (not zero), and a path that is not a transcript is refused', () => {
    const prices = loadPrices(DEFAULT_PRICES);
    expect(costOf(prices, 'gpt-9', { input: 1, output: 1, cacheCreation: 0, cacheRead: 0 })).toBeNull();
    const fold = new MetricsFold();
    const rec = new UsageRecorder({ state: () => fold.state, journal: { append() {}, appendDurable() {} } as unknown as EventSink, prices: () => prices });
    expect(() => rec.record('a1', '/etc/passwd')).toThrow(/not a transcript/);
  });

  it('a bad price table names the file and the field', () => {
    const f = join(dir, 'prices.json');
    writeFileSync(f, JSON.stringify({ models: { m: { input: 1, output: 1, cache_write: 1, cache_read: -1, window: 1 } } }));
    expect(() => loadPrices(f)).toThrow(/prices\.json: models\.m\.cache_read/);
  });
});
