/** Schedules (due times, missed-firing policies) and conditions (for:, hysteresis) with an injected clock. */
import { describe, expect, it } from 'vitest';
import type { ConditionSpec, ScheduleSpec } from '../../../src/config/trigger-schema.js';
import { Conditions, step, type ConditionState, type Reading } from '../../../src/triggers/conditions.js';
import { TriggerEngine } from '../../../src/triggers/engine.js';
import { dueBetween, nextDue, Schedules } from '../../../src/triggers/schedules.js';
import { FakeClock, FakeStarter, rule, Sink } from './fakes.js';

const sched = (s: Partial<ScheduleSpec>) => rule({ name: 's', kind: 'schedule', dedupe: null, schedule: { missed: 'skip', max: 10, text: '', ...s } });

function setup(r = sched({ everyMs: 1000 }), lastDue?: number) {
  const clock = new FakeClock(1_700_000_000_500);
  const sink = new Sink();
  const starter = new FakeStarter();
  const engine = new TriggerEngine({ rules: [r], starter, sink, clock, pipelineOf: () => 'p' });
  const schedules = new Schedules([r], { fire: (f) => engine.fire(f), sink, clock, lastDue: () => lastDue });
  return { clock, sink, starter, engine, schedules };
}

describe('schedules', () => {
  it('every: aligned to the epoch; cron through croner, in its time zone', () => {
    expect(nextDue(sched({ everyMs: 60_000 }), 1_700_000_000_500)).toBe(1_700_000_040_000);
    const daily = sched({ cron: '0 9 * * *', tz: 'Asia/Tokyo' });
    expect(new Date(nextDue(daily, Date.UTC(2026, 0, 1, 1, 0)) as number).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(dueBetween(sched({ cron: '0 9 1 * *', tz: 'UTC' }), Date.UTC(2026, 0, 15), Date.UTC(2026, 4, 15)).length).toBe(4);
  });

  it('a once-a-second schedule fires each second, at its due time, with the due time as its origin', async () => {
    const { clock, schedules, starter, sink } = setup();
    schedules.start();
    await clock.advance(3000);
    expect(starter.started).toHaveLength(3);
    const fired = sink.of('trigger.fired');
    expect(fired.map((f) => f['due'])).toEqual([1_700_000_001_000, 1_700_000_002_000, 1_700_000_003_000]);
    expect(fired.every((f) => f['cause'] === 'schedule' && f['latencyMs'] === 0)).toBe(true);
    schedules.stop();
  });

  it.each([
    ['skip', 0, /5 firing\(s\) missed.*missed: skip/],
    ['once', 1, /4 of 5 missed firing\(s\) dropped \(missed: once\)/],
    ['catch-up', 3, /2 of 5 missed firing\(s\) dropped/],
  ] as const)('missed: %s after a 5 s down', async (missed, runs, skipped) => {
    // The last firing handled was 5 s before now: 5 due times passed with no controller.
    const r = sched({ everyMs: 1000, missed, max: 3 });
    const { schedules, starter, sink } = setup(r, 1_699_999_995_000);
    schedules.missed(r, 1_700_000_000_500);
    await new Promise((res) => setTimeout(res, 0));
    expect(starter.started).toHaveLength(runs);
    if (skipped) expect(sink.of('trigger.skipped')[0]?.['reason']).toMatch(skipped);
    else expect(sink.of('trigger.skipped')).toEqual([]);
    const causes = sink.of('trigger.fired').map((f) => f['cause']);
    expect(causes.every((c) => c === 'missed')).toBe(true);
    if (missed === 'once') expect(sink.of('trigger.fired')[0]?.['due']).toBe(1_700_000_000_000);
  });

  it('a schedule that never ran here has missed nothing', () => {
    const r = sched({ everyMs: 1000, missed: 'catch-up' });
    const { schedules, sink } = setup(r, undefined);
    schedules.missed(r, 1_700_000_000_500);
    expect(sink.records).toEqual([]);
  });
});

const cond = (c: Partial<ConditionSpec> = {}): ConditionSpec => ({ probe: 'command', op: 'above', threshold: 80, clear: 70, forMs: 0, everyMs: 100, windowMs: 100, text: '', ...c });

describe('conditions', () => {
  it('fires on the rising edge only, re-arms once the value clears (hysteresis)', () => {
    const spec = cond();
    const st: ConditionState = { armed: true, over: null };
    const values = [50, 85, 90, 79, 85, 69, 81, 95];
    const fired = values.map((v, i) => step(spec, st, v, i * 100));
    expect(fired).toEqual([false, true, false, false, false, false, true, false]);
  });

  it('for: the value must hold that long; a dip starts the wait again', () => {
    const spec = cond({ forMs: 300, clear: 80 });
    const st: ConditionState = { armed: true, over: null };
    const fired = [90, 90, 50, 90, 90, 90, 90].map((v, i) => step(spec, st, v, i * 100));
    expect(fired).toEqual([false, false, false, false, false, false, true]);
  });

  it('a probe driven by a test: one firing per rising edge, none while it stays high', async () => {
    const clock = new FakeClock();
    const sink = new Sink();
    const starter = new FakeStarter();
    const r = rule({ name: 'c', kind: 'condition', dedupe: null, condition: cond(), vars: { v: '${value}' } });
    const engine = new TriggerEngine({ rules: [r], starter, sink, clock, pipelineOf: () => 'p' });
    let level: Reading = { value: 10 };
    const conditions = new Conditions([r], { fire: (f) => engine.fire(f), probe: async () => level, clock });
    conditions.start();
    await clock.advance(250);
    level = { value: 90 };
    await clock.advance(1000);
    expect(starter.started.map((s) => s.vars['v'])).toEqual(['90']);
    level = { value: 60 };
    await clock.advance(200);
    level = { value: 99 };
    await clock.advance(500);
    expect(starter.started.map((s) => s.vars['v'])).toEqual(['90', '99']);
    level = { error: 'not configured: no metrics provider' };
    await clock.advance(200);
    expect(conditions.state.get('c')?.lastError).toMatch(/not configured/);
    conditions.stop();
  });
});
