import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide, initialState } from '../../../src/agents/states/decide.js';
import { BUILTIN_PROFILES } from '../../../src/agents/states/profiles.js';
import type { AgentState, Observation } from '../../../src/agents/states/types.js';

const claude = BUILTIN_PROFILES.claude!;
const shell = BUILTIN_PROFILES.shell!;
const fx = (name: string): string => readFileSync(new URL(`../../agents/fixtures/${name}`, import.meta.url), 'utf8');
const IDLE = fx('claude-idle.txt');
const BUSY = fx('claude-busy.txt');
const T0 = 1_000_000_000;
const obs = (o: Partial<Observation> = {}): Observation => ({ paneDead: false, startedAt: T0, ...o });
const after = (ms: number): number => T0 + ms;
const state = (s: Partial<AgentState> & Pick<AgentState, 'state'>): AgentState => ({ signal: 'screen', since: T0, ...s });

describe('decide: order of trust', () => {
  it('a new agent is starting until its screen is recognised', () => {
    const s0 = initialState(T0);
    const d1 = decide(s0, obs({ screen: '', lastOutputAt: after(100) }), claude, after(200));
    expect(d1).toMatchObject({ state: 'starting', changed: false });
    const d2 = decide(d1, obs({ screen: IDLE, lastOutputAt: after(900) }), claude, after(1000));
    expect(d2).toMatchObject({ state: 'idle', signal: 'screen', changed: true, since: after(1000) });
  });

  it('a dead pane is dead whatever else is heard, with its exit status', () => {
    const d = decide(state({ state: 'busy' }), obs({ paneDead: true, deadStatus: 2, hookEvent: 'hook:stop', screen: BUSY }), claude, after(5000));
    expect(d).toMatchObject({ state: 'dead', signal: 'process', reason: "pane's process exited (exit status 2)" });
  });

  it('a respawned pane starts over', () => {
    const d = decide(state({ state: 'dead', signal: 'process' }), obs({ startedAt: after(9000), screen: '' }), claude, after(9100));
    expect(d).toMatchObject({ state: 'starting', changed: true });
  });

  it('a hook outranks the screen, which lags behind it, for hookHoldMs', () => {
    const d1 = decide(state({ state: 'idle' }), obs({ hookEvent: 'hook:prompt-submit', screen: IDLE }), claude, after(60_000));
    expect(d1).toMatchObject({ state: 'busy', signal: 'hook', reason: 'hook:prompt-submit', heldUntil: after(63_000) });
    const d2 = decide(d1, obs({ screen: IDLE, lastOutputAt: after(61_000) }), claude, after(61_000));
    expect(d2).toMatchObject({ state: 'busy', signal: 'hook', changed: false });
    const d3 = decide(d2, obs({ screen: IDLE, lastOutputAt: after(63_500) }), claude, after(64_000));
    expect(d3).toMatchObject({ state: 'idle', signal: 'screen', changed: true });
  });

  it('a question on the screen is not held back by a hook', () => {
    const d1 = decide(state({ state: 'idle' }), obs({ hookEvent: 'hook:prompt-submit' }), claude, after(60_000));
    const d2 = decide(d1, obs({ screen: fx('claude-trust.txt'), lastOutputAt: after(60_500) }), claude, after(60_500));
    expect(d2).toMatchObject({ state: 'waiting-for-input', signal: 'screen' });
  });

  it('hook:stop and done make it idle; hook:notification waiting', () => {
    const busy = state({ state: 'busy' });
    expect(decide(busy, obs({ hookEvent: 'hook:stop', screen: BUSY }), claude, after(60_000))).toMatchObject({ state: 'idle', signal: 'hook' });
    expect(decide(busy, obs({ explicit: 'done', screen: BUSY }), claude, after(60_000))).toMatchObject({ state: 'idle', signal: 'explicit' });
    expect(decide(busy, obs({ hookEvent: 'hook:notification' }), claude, after(60_000))).toMatchObject({ state: 'waiting-for-input' });
  });

  it('without a new capture the last screen verdict stands', () => {
    const d = decide(state({ state: 'waiting-for-input' }), obs({ lastOutputAt: after(1000) }), claude, after(600_000));
    expect(d).toMatchObject({ state: 'waiting-for-input', signal: 'screen', changed: false, reason: 'no new screen' });
  });
});

describe('decide: activity and timers', () => {
  it('an unrecognised screen is reported and activity decides: output = busy, quiet = idle', () => {
    const odd = 'something the profile has never seen\n';
    const d1 = decide(state({ state: 'idle' }), obs({ screen: odd, lastOutputAt: after(59_500) }), claude, after(60_000));
    expect(d1).toMatchObject({ state: 'busy', signal: 'activity', unrecognized: true });
    const d2 = decide(d1, obs({ lastOutputAt: after(59_500) }), claude, after(62_600));
    expect(d2).toMatchObject({ state: 'idle', signal: 'activity', reason: 'quiet for 3.1s' });
    expect(d2.unrecognized).toBeUndefined();
  });

  it('unrecognised screens stay starting during the startup grace', () => {
    const d = decide(initialState(T0), obs({ screen: 'Loading…', lastOutputAt: after(500) }), claude, after(1000));
    expect(d).toMatchObject({ state: 'starting', unrecognized: true });
  });

  it('busy with no output and no heartbeat past unresponsiveAfterMs is unresponsive, and busy again on output', () => {
    const busy = state({ state: 'busy', since: after(40_000) });
    const quiet = obs({ lastOutputAt: after(40_000) });
    expect(decide(busy, quiet, claude, after(219_000))).toMatchObject({ state: 'busy', changed: false });
    const d = decide(busy, quiet, claude, after(220_000));
    expect(d).toMatchObject({ state: 'unresponsive', signal: 'activity', changed: true });
    expect(decide(d, quiet, claude, after(300_000))).toMatchObject({ state: 'unresponsive', changed: false });
    const back = decide(d, obs({ screen: BUSY, lastOutputAt: after(300_000) }), claude, after(300_100));
    expect(back).toMatchObject({ state: 'busy', signal: 'screen', changed: true });
  });

  it('heartbeats keep a quiet busy agent from being unresponsive, and revive an unresponsive one', () => {
    const busy = state({ state: 'busy' });
    const d = decide(busy, obs({ lastOutputAt: after(40_000), lastHeartbeatAt: after(200_000) }), claude, after(230_000));
    expect(d.state).toBe('busy');
    const u = state({ state: 'unresponsive', signal: 'activity' });
    const r = decide(u, obs({ lastOutputAt: after(40_000), lastHeartbeatAt: after(400_000), explicit: 'heartbeat' }), claude, after(400_000));
    expect(r).toMatchObject({ state: 'busy', changed: true });
  });

  it('never unresponsive within the startup grace', () => {
    const slow = { ...claude, timings: { ...claude.timings, unresponsiveAfterMs: 1000 } };
    const d = decide(state({ state: 'busy' }), obs({ screen: BUSY, lastOutputAt: T0 }), slow, after(20_000));
    expect(d.state).toBe('busy');
  });

  it('rate-limited until the reset time, then idle (signal timer), and the old message no longer counts', () => {
    const limited = readFileSync(new URL('../../fixtures/screens/claude-rate-limited.txt', import.meta.url), 'utf8');
    const now = new Date(2026, 10, 25, 14, 0).getTime();
    const three = new Date(2026, 10, 25, 15, 0).getTime();
    const o = { paneDead: false, startedAt: now - 600_000, lastOutputAt: now - 10 };
    const d1 = decide(state({ state: 'busy' }), { ...o, screen: limited }, claude, now);
    expect(d1).toMatchObject({ state: 'rate-limited', resetAt: three, evidence: '⎿ 5-hour limit reached ∙ resets 3pm' });
    expect(decide(d1, o, claude, three - 1)).toMatchObject({ state: 'rate-limited', changed: false });
    expect(decide(d1, o, claude, three)).toMatchObject({ state: 'idle', signal: 'timer', changed: true });
    // Still on the screen after the reset: read once, not as a new limit until tomorrow 3pm.
    expect(decide(d1, { ...o, screen: limited }, claude, three + 60_000)).toMatchObject({ state: 'idle', signal: 'screen' });
  });

  it('a question in the model\'s prose is no permission prompt: the agent is idle at its prompt', () => {
    const lines = IDLE.split('\n');
    const rule = lines.findIndex((l) => l.startsWith('─'));
    const prose = [...lines.slice(0, rule), '● The migration is written.', '  Do you want to run it now?', '', ...lines.slice(rule)].join('\n');
    const d = decide(state({ state: 'busy' }), obs({ screen: prose, lastOutputAt: after(59_000) }), claude, after(60_000));
    expect(d).toMatchObject({ state: 'idle', signal: 'screen' });
  });

  it('a shell with no prompt on its last line is running a command', () => {
    const d = decide(state({ state: 'idle' }), obs({ screen: '$ sleep 100\n', lastOutputAt: after(100) }), shell, after(60_000));
    expect(d).toMatchObject({ state: 'busy', signal: 'screen', reason: 'no prompt on the screen' });
  });
});
