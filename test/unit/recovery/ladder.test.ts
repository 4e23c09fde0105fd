import { describe, expect, it } from 'vitest';
import { Ladder } from '../../../src/recovery/ladder.js';
import { backoff, DEFAULT_LIMITS, policyOf } from '../../../src/recovery/policy.js';

const small = policyOf({ levels: { 1: { limit: 2, windowMs: 1000, backoffMs: 100 }, 2: { limit: 1, windowMs: 1000 }, 3: { limit: 1, windowMs: 1000 }, 4: { limit: 1, windowMs: 1000 } }, healthyMs: 500 });

describe('the ladder', () => {
  it('restarts at once first, then backs off, escalates past each limit and gives up after L4', () => {
    const l = new Ladder(small);
    const steps = Array.from({ length: 6 }, (_, i) => l.next('a', i));
    expect(steps.map((s) => (s.kind === 'attempt' ? `L${s.level}#${s.attempt}+${s.delayMs}` : `give-up@L${s.level}`))).toEqual([
      'L1#1+0', 'L1#2+100', 'L2#1+0', 'L3#1+0', 'L4#1+0', 'give-up@L4',
    ]);
    expect(steps[2]).toMatchObject({ escalatedFrom: 1 });
    // Given up stays given up: no loop.
    expect(l.next('a', 100).kind).toBe('give-up');
    expect(l.isFailed('a')).toBe(true);
    expect(l.view('a', 100).failed).toMatch(/every level spent/);
  });

  it('an old restart outside the window does not count', () => {
    const l = new Ladder(small);
    l.next('a', 0);
    l.next('a', 10);
    expect(l.next('a', 2000)).toMatchObject({ kind: 'attempt', level: 1, attempt: 1 });
  });

  it('counters start over after a healthy period, not before', () => {
    const l = new Ladder(small);
    l.next('a', 0);
    l.next('a', 1);
    l.next('a', 2); // L2
    l.up('a', 10);
    expect(l.maybeReset('a', 400)).toBe(false);
    expect(l.maybeReset('a', 600)).toBe(true);
    expect(l.next('a', 700)).toMatchObject({ kind: 'attempt', level: 1, attempt: 1 });
  });

  it('a new controller folds the journal back into the same place on the ladder', () => {
    const l = new Ladder(small);
    l.fold([
      { type: 'recovery.attempt', ts: 0, payload: { agent: 'a', level: 1 } },
      { type: 'recovery.attempt', ts: 1, payload: { agent: 'a', level: 1 } },
      { type: 'recovery.escalated', ts: 2, payload: { agent: 'a', level: 2 } },
      { type: 'recovery.attempt', ts: 2, payload: { agent: 'a', level: 2 } },
    ]);
    expect(l.next('a', 3)).toMatchObject({ kind: 'attempt', level: 3, escalatedFrom: 2 });
    const g = new Ladder(small);
    g.fold([{ type: 'recovery.gave-up', ts: 0, payload: { agent: 'b', level: 4, reason: 'why' } }]);
    expect(g.isFailed('b')).toBe(true);
  });

  it('a person clears a give-up', () => {
    const l = new Ladder(small);
    l.giveUp('a', 'no hook');
    l.clear('a');
    expect(l.next('a', 0)).toMatchObject({ kind: 'attempt', level: 1 });
  });

  it('defaults: L1 immediate then 1 s doubling to a 60 s cap; layout settings win', () => {
    expect([1, 2, 3, 4, 9].map((n) => backoff(DEFAULT_LIMITS[1], n))).toEqual([0, 1000, 2000, 4000, 60_000]);
    expect(policyOf({ levels: { 1: { limit: 7 } } }).limits[1]).toMatchObject({ limit: 7, windowMs: 60_000 });
  });
});
