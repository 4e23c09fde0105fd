import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/agents/states/decide.js';
import { BUILTIN_PROFILES } from '../../../src/agents/states/profiles.js';
import type { AgentState, StateName } from '../../../src/agents/states/types.js';

const RECORDED = new URL('../../agents/fixtures/', import.meta.url);
const REPRODUCED = new URL('../../fixtures/screens/', import.meta.url);
const screen = (dir: URL, name: string): string => readFileSync(new URL(name, dir), 'utf8');

// 25 Nov 2026 10:00 local time: reset clocks are read in local time.
const NOW = new Date(2026, 10, 25, 10, 0, 0).getTime();
const at = (h: number, m = 0): number => new Date(2026, 10, 25, h, m, 0).getTime();

type Row = [file: string, profile: string, state: StateName | 'unrecognized', resetAt?: number];

/** Real Claude Code 2.1.197 screens (test/agents/fixtures, recorded by test/agents). */
const recorded: Row[] = [
  ['claude-idle.txt', 'claude', 'idle'],
  ['claude-idle-after-turn.txt', 'claude', 'idle'],
  ['claude-half-typed.txt', 'claude', 'idle'],
  ['claude-pasted-fold.txt', 'claude', 'idle'],
  ['claude-shell-mode.txt', 'claude', 'idle'],
  ['claude-busy.txt', 'claude', 'busy'],
  ['claude-busy-typing.txt', 'claude', 'busy'],
  ['claude-queued.txt', 'claude', 'busy'],
  ['claude-trust.txt', 'claude', 'waiting-for-input'],
  ['claude-api-key.txt', 'claude', 'waiting-for-input'],
  ['claude-not-logged-in.txt', 'claude', 'waiting-for-input'],
  ['claude-no-config-exit.txt', 'claude', 'unrecognized'],
];

/** Reproduced from the markers the CLIs' own code and docs show (test/fixtures/screens). */
const reproduced: Row[] = [
  ['claude-permission.txt', 'claude', 'waiting-for-input'],
  ['claude-rate-limited.txt', 'claude', 'rate-limited', at(15)],
  ['claude-usage-limit.txt', 'claude', 'rate-limited', at(23, 30)],
  ['claude-weekly-limit.txt', 'claude', 'rate-limited', new Date(2027, 9, 7, 13, 0).getTime()],
  ['codex-idle.txt', 'codex', 'idle'],
  ['codex-busy.txt', 'codex', 'busy'],
  ['codex-approval.txt', 'codex', 'waiting-for-input'],
  ['codex-allow-command.txt', 'codex', 'waiting-for-input'],
  ['codex-usage-limit.txt', 'codex', 'rate-limited', NOW + (2 * 60 + 5) * 60_000],
  ['codex-usage-limit-at.txt', 'codex', 'rate-limited', at(15, 45)],
  ['aider-idle.txt', 'aider', 'idle'],
  ['aider-after-reply.txt', 'aider', 'idle'],
  ['aider-busy.txt', 'aider', 'busy'],
  ['aider-streaming.txt', 'aider', 'busy'],
  ['aider-confirm.txt', 'aider', 'waiting-for-input'],
  ['aider-rate-limit.txt', 'aider', 'rate-limited', NOW + 8_000],
  ['gemini-idle.txt', 'gemini', 'idle'],
  ['gemini-busy.txt', 'gemini', 'busy'],
  ['gemini-confirm.txt', 'gemini', 'waiting-for-input'],
  ['gemini-quota.txt', 'gemini', 'rate-limited', NOW + 35_200],
  ['shell-idle.txt', 'shell', 'idle'],
  ['shell-busy.txt', 'shell', 'busy'],
  ['shell-password.txt', 'shell', 'waiting-for-input'],
  ['shell-confirm.txt', 'shell', 'waiting-for-input'],
];

const prev: AgentState = { state: 'idle', signal: 'screen', since: NOW - 60_000 };

function check(dir: URL, [file, name, want, resetAt]: Row): void {
  const profile = BUILTIN_PROFILES[name];
  if (!profile) throw new Error(`no profile ${name}`);
  const obs = { paneDead: false, screen: screen(dir, file), lastOutputAt: NOW - 100, startedAt: NOW - 120_000 };
  const d = decide(prev, obs, profile, NOW);
  if (want === 'unrecognized') {
    expect(d.unrecognized, d.reason).toBe(true);
    expect(d.signal).toBe('activity');
    return;
  }
  expect({ state: d.state, signal: d.signal, unrecognized: d.unrecognized }, d.reason).toEqual({
    state: want,
    signal: 'screen',
    unrecognized: undefined,
  });
  expect(d.resetAt).toBe(resetAt);
}

describe('recorded Claude Code screens → states', () => {
  it.each(recorded)('%s (%s) → %s', (...row) => check(RECORDED, row));

  it('the screen Claude leaves when it exits without a config is dead once the pane is', () => {
    const obs = { paneDead: true, deadStatus: null, screen: screen(RECORDED, 'claude-no-config-exit.txt'), startedAt: NOW - 5000 };
    const d = decide(prev, obs, BUILTIN_PROFILES.claude!, NOW);
    expect(d).toMatchObject({ state: 'dead', signal: 'process', changed: true });
    expect(d.reason).toContain('no exit status');
  });
});

describe('reproduced codex / aider / gemini / shell / claude-limit screens → states', () => {
  it.each(reproduced)('%s (%s) → %s', (...row) => check(REPRODUCED, row));
});
