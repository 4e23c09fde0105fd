import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decide, initialState } from '../../../src/agents/states/decide.js';
import { BUILTIN_PROFILES } from '../../../src/agents/states/profiles.js';
import type { AgentState, Decision, StateName } from '../../../src/agents/states/types.js';
import { privateTmux } from '../../helpers/tmux-server.js';

const claude = BUILTIN_PROFILES.claude!;
const FAKE = fileURLToPath(new URL('../../fixtures/fake-agent.mjs', import.meta.url));
const NOW = new Date(2026, 10, 25, 10, 0, 0).getTime();

// Screens of test/fixtures/fake-agent.mjs captured from a tmux pane (100×30).
const captured: [file: string, state: StateName][] = [
  ['fake-agent-idle.txt', 'idle'],
  ['fake-agent-busy.txt', 'busy'],
  ['fake-agent-after-turn.txt', 'idle'],
  ['fake-agent-permission.txt', 'waiting-for-input'],
  ['fake-agent-approved-busy.txt', 'busy'],
  ['fake-agent-limit.txt', 'rate-limited'],
];

describe('fake agent screens (captured) → states with the claude profile', () => {
  it.each(captured)('%s → %s', (file, want) => {
    const screen = readFileSync(new URL(`../../fixtures/screens/${file}`, import.meta.url), 'utf8');
    const prev: AgentState = { state: 'idle', signal: 'screen', since: NOW - 60_000 };
    const d = decide(prev, { paneDead: false, screen, lastOutputAt: NOW - 50, startedAt: NOW - 120_000 }, claude, NOW);
    expect({ state: d.state, signal: d.signal }, d.reason).toEqual({ state: want, signal: 'screen' });
    if (want === 'rate-limited') expect(d.resetAt).toBe(new Date(2026, 10, 25, 15, 0, 0).getTime());
  });
});

describe('fake agent live in a private tmux server', () => {
  const t = privateTmux('miyabi-states');
  afterAll(() => t.reap());

  it('goes starting → idle → busy → idle → waiting → busy → rate-limited → dead', async () => {
    t.tmux('new-session', '-d', '-x', '100', '-y', '30', '-e', 'FAKE_AGENT_BUSY_MS=1200', '-e', 'FAKE_AGENT_START_MS=300', `node ${FAKE}`);
    t.tmux('set-option', '-g', 'remain-on-exit', 'on');
    const startedAt = Date.now();
    let state: AgentState = initialState(startedAt);
    const seen: StateName[] = [state.state];
    const tick = (): Decision => {
      const [dead = '0', status = ''] = t.tmux('display-message', '-p', '#{pane_dead} #{pane_dead_status}').trim().split(' ');
      const screen = dead === '1' ? undefined : t.tmux('capture-pane', '-p');
      const now = Date.now();
      const d = decide(state, { paneDead: dead === '1', deadStatus: status === '' ? null : Number(status), screen, lastOutputAt: now, startedAt }, claude, now);
      state = d;
      if (d.changed) seen.push(d.state);
      return d;
    };
    const until = async (want: StateName, ms = 8000): Promise<Decision> => {
      const end = Date.now() + ms;
      for (;;) {
        const d = tick();
        if (d.state === want) return d;
        if (Date.now() > end) throw new Error(`not ${want} after ${ms} ms: ${d.state} (${d.reason})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const type = (text: string): void => {
      t.tmux('send-keys', '-t', '=0:', '-l', text);
      t.tmux('send-keys', '-t', '=0:', 'Enter');
    };
    await until('idle');
    type('hello there');
    await until('busy');
    await until('idle');
    type('ask 600');
    expect((await until('waiting-for-input')).evidence).toBe('Do you want to proceed? ❯ 1. Yes');
    type('1');
    await until('busy');
    await until('idle');
    type('limit at 3pm');
    const limited = await until('rate-limited');
    expect(limited.evidence).toBe('⎿ 5-hour limit reached ∙ resets 3pm');
    expect(limited.resetAt! - Date.now()).toBeGreaterThan(0);
    expect(limited.resetAt! - Date.now()).toBeLessThanOrEqual(86_400_000);
    type('exit 3');
    // tmux 3.3a may miss the pane's SIGCHLD and give no status yet (RELIABILITY.md, tmux hazard 13).
    expect((await until('dead')).reason).toMatch(/exit status 3|no exit status/);
    expect(seen).toEqual(['starting', 'idle', 'busy', 'idle', 'waiting-for-input', 'busy', 'idle', 'rate-limited', 'dead']);
  });
});
