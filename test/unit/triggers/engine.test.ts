/** The engine's policies with an injected clock: matching, variables, debounce, dedupe, cooldown, overlap. */
import { describe, expect, it } from 'vitest';
import { TriggerEngine } from '../../../src/triggers/engine.js';
import { fill, matchesType } from '../../../src/triggers/match.js';
import { FakeClock, FakeStarter, flush, rule, Sink } from './fakes.js';
import type { TriggerRule } from '../../../src/config/trigger-schema.js';

function setup(rules: TriggerRule[]) {
  const clock = new FakeClock();
  const sink = new Sink();
  const starter = new FakeStarter();
  const engine = new TriggerEngine({ rules, starter, sink, clock, pipelineOf: (r) => (r.target.kind === 'pipeline' ? r.target.pipeline : 'adhoc') });
  let n = 0;
  const ev = (type: string, data: Record<string, unknown> = {}, id = `e${++n}`) => ({ id, type, ts: clock.now(), source: 'test', data });
  return { clock, sink, starter, engine, ev };
}

describe('matching', () => {
  it.each([
    ['git.push', 'git.push', true], ['git.*', 'git.push', true], ['git.*', 'git.push.x', false], ['git.**', 'git.push.x', true],
    ['**', 'anything.at.all', true], ['*.failed', 'task.failed', true], ['git.pu*', 'git.push', true], ['git.push', 'git.pushed', false],
    ['agent.idle', 'agent-idle', false],
  ])('%s against %s: %s', (glob, type, want) => {
    expect(matchesType(glob, type)).toBe(want);
  });

  it('fills templates from the event, and leaves absent fields empty', () => {
    const s = { rule: 'r', cause: 'event', now: 0, event: { id: 'i1', type: 'git.push', ts: 0, source: 's', data: { branch: 'main', pusher: { name: 'ann' } } } };
    expect(fill('${event.branch}/${event.pusher.name}/${event.id}/${event.nope}/${rule}', s)).toBe('main/ann/i1//r');
  });

  it('an emitted event fires the matching rule with its variables; payload fields filter', async () => {
    const { engine, starter, sink, ev } = setup([
      rule({ name: 'push', on: 'git.*', match: { branch: 'release/*' }, vars: { branch: '${event.branch}', sha: '${event.sha}' } }),
      rule({ name: 'other', on: 'issue.created' }),
    ]);
    engine.event(ev('git.push', { branch: 'main', sha: 'a' }));
    engine.event(ev('git.push', { branch: 'release/1.2', sha: 'b' }));
    await flush();
    expect(starter.started.map((s) => s.vars)).toEqual([{ branch: 'release/1.2', sha: 'b' }]);
    expect(starter.started[0]?.event).toMatchObject({ branch: 'release/1.2', type: 'git.push' });
    expect(sink.of('trigger.fired')).toMatchObject([{ rule: 'push', cause: 'event', runId: 'run-1', vars: { branch: 'release/1.2' }, eventType: 'git.push' }]);
  });

  it('a disabled rule never fires, but a dry run lists it', () => {
    const { engine, ev } = setup([rule({ name: 'off', on: 'x.y', enabled: false })]);
    expect(engine.matching(ev('x.y'))).toEqual([]);
    expect(engine.matching(ev('x.y'), true).map((m) => m.rule.name)).toEqual(['off']);
  });
});

describe('policies', () => {
  it('a burst of 100 events is debounced to one firing, with the last event', async () => {
    const { engine, starter, sink, clock, ev } = setup([rule({ name: 'b', on: 'file.changed', debounceMs: 50, vars: { n: '${event.n}' } })]);
    for (let i = 0; i < 100; i++) {
      engine.event(ev('file.changed', { n: String(i) }));
      await clock.advance(1);
    }
    expect(starter.started).toHaveLength(0);
    await clock.advance(50);
    expect(starter.started.map((s) => s.vars['n'])).toEqual(['99']);
    expect(sink.of('trigger.skipped')).toMatchObject([{ count: 99 }]);
    // A second burst after the quiet fires again.
    engine.event(ev('file.changed', { n: 'x' }));
    await clock.advance(60);
    expect(starter.started).toHaveLength(2);
  });

  it('the same event id twice starts one run', async () => {
    const { engine, starter, sink, ev } = setup([rule({ name: 'd', on: 'git.push' })]);
    engine.event(ev('git.push', {}, 'same'));
    engine.event(ev('git.push', {}, 'same'));
    await flush();
    expect(starter.started).toHaveLength(1);
    expect(sink.of('trigger.skipped')[0]?.['reason']).toMatch(/duplicate/);
  });

  it('dedupe keys survive a restart through the journal records', async () => {
    const a = setup([rule({ name: 'd', on: 'git.push' })]);
    a.engine.event(a.ev('git.push', {}, 'once'));
    await flush();
    const b = setup([rule({ name: 'd', on: 'git.push' })]);
    b.engine.restore(a.sink.records.map((r) => ({ ...r, ts: 1 })));
    b.engine.event(b.ev('git.push', {}, 'once'));
    await flush();
    expect(b.starter.started).toHaveLength(0);
    expect(b.engine.stats.get('d')?.count).toBe(1);
  });

  it('cooldown refuses firings until it has passed', async () => {
    const { engine, starter, sink, clock, ev } = setup([rule({ name: 'c', on: 'x', cooldownMs: 1000 })]);
    engine.event(ev('x'));
    await clock.advance(500);
    engine.event(ev('x'));
    await clock.advance(600);
    engine.event(ev('x'));
    await flush();
    expect(starter.started).toHaveLength(2);
    expect(sink.of('trigger.skipped')[0]?.['reason']).toMatch(/cooldown/);
  });

  it('overlap: skip, cancel and queue while the last run still runs', async () => {
    for (const overlap of ['skip', 'cancel', 'queue'] as const) {
      const { engine, starter, sink, ev } = setup([rule({ name: 'o', on: 'x', overlap })]);
      starter.hold = true;
      engine.event(ev('x'));
      await flush();
      engine.event(ev('x'));
      await flush();
      if (overlap === 'skip') {
        expect(starter.started).toHaveLength(1);
        expect(sink.of('trigger.skipped')[0]?.['reason']).toMatch(/overlap: skip/);
      } else if (overlap === 'cancel') {
        expect(starter.cancelled).toEqual(['run-1']);
        expect(starter.started).toHaveLength(2);
      } else {
        expect(starter.started).toHaveLength(1);
        starter.end('run-1');
        await flush();
        expect(starter.started).toHaveLength(2);
      }
    }
  });

  it('a run that cannot start is journaled as refused', async () => {
    const { engine, sink, starter, ev } = setup([rule({ name: 'f', on: 'x' })]);
    starter.start = async () => {
      throw new Error('no pipeline named p');
    };
    engine.event(ev('x'));
    await flush();
    expect(sink.of('trigger.refused')).toMatchObject([{ rule: 'f', reason: expect.stringMatching(/no pipeline named p/) }]);
  });

  it('latency counts from the event\'s own time', async () => {
    const { engine, sink, clock } = setup([rule({ name: 'l', on: 'x' })]);
    engine.event({ id: 'a', type: 'x', ts: clock.now() - 7, source: 't', data: {} });
    await flush();
    expect(sink.of('trigger.fired')[0]?.['latencyMs']).toBe(7);
  });
});
