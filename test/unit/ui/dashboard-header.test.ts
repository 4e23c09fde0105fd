import { describe, expect, it } from 'vitest';
import { headerLine, type HeaderFacts } from '../../../src/ui/dashboard/header.js';
import { NOT_REACHABLE } from '../../../src/ui/dashboard/view.js';

const controller = { pid: 42, startedAt: '2025-01-01T00:00:00Z', uptimeMs: 65_000, ipcPath: '/s' };
const facts = (over: Partial<HeaderFacts> = {}): HeaderFacts => ({
  status: { session: 'demo-session', controller }, agents: 50, waiting: 1, filter: '', connection: { kind: 'connected' }, ...over,
});
const degraded = { ...controller, journal: { state: 'degraded', held: 3, error: 'journal: writing failed: EPERM', file: '/p/.miyabi/journal/events.jsonl', since: '2026-12-02T04:00:00.000Z' } } as unknown as typeof controller;

describe('dashboard header', () => {
  it('says everything when there is room', () => {
    expect(headerLine(facts(), 80)).toBe(' miyabi | demo-session | 50 agents, 1 waiting for you | connected');
    expect(headerLine(facts({ filter: 'ag' }), 200)).toBe(' miyabi | demo-session | 50 agents, 1 waiting for you | filter "ag" | connected');
    expect(headerLine(facts({ waiting: 0, agents: 1 }), 80)).toBe(' miyabi | demo-session | 1 agent | connected');
  });

  it('at 40 columns keeps the connection and the waiting count, and shortens the rest', () => {
    expect(headerLine(facts(), 40)).toBe(' demo-sessi~ | 50, 1 waiting | connected');
    expect(headerLine(facts({ waiting: 0 }), 40)).toBe(' demo-session | 50 agents | connected');
    expect(headerLine(facts({ status: null, connection: { kind: 'connecting' } }), 40)).toBe(' 50 agents, 1 waiting | connecting\u2026');
    expect(headerLine(facts({ filter: 'agent-4' }), 40)).toBe(' 50, 1 waiting | /agent-4 | connected');
    const down = headerLine(facts({ connection: { kind: 'down', retryInMs: 1500, reason: 'connect ENOENT /p/.miyabi/run/ctl.sock' } }), 40);
    expect(down).toMatch(/controller down/);
    expect(down.length).toBeLessThanOrEqual(40);
  });

  it('the news that the controller is down reads whole when it fits', () => {
    const line = headerLine(facts({ connection: { kind: 'down', retryInMs: 500, reason: 'connection closed' } }), 200);
    expect(line).toBe(` miyabi | demo-session (last seen) | 50 agents, 1 waiting for you | ${NOT_REACHABLE} (next try in 0.5s: connection closed)`);
  });

  it('shows a journal that refuses writes, shortened when narrow', () => {
    expect(headerLine(facts({ status: { session: 'demo-session', controller: degraded } }), 250)).toContain('journal DEGRADED, 3 record(s) waiting in memory, retrying: journal: writing failed: EPERM');
    expect(headerLine(facts({ status: { session: 'demo-session', controller: degraded } }), 80)).toBe(' journal DEGRADED | demo-session | 50 agents, 1 waiting for you | connected');
  });

  it('never passes the width, and names the connection state from 30 columns up', () => {
    const cases: HeaderFacts[] = [
      facts(), facts({ filter: 'a long filter text' }), facts({ status: { session: 'a-very-long-session-name-indeed', controller: degraded } }),
      facts({ connection: { kind: 'down', retryInMs: 12_000, reason: 'x'.repeat(80) } }), facts({ status: null, connection: { kind: 'connecting' } }),
    ];
    for (const f of cases) {
      for (let w = 10; w <= 220; w++) {
        const line = headerLine(f, w);
        expect(line.length, `${w}: ${line}`).toBeLessThanOrEqual(w);
        if (w >= 30) expect(line, `${w}`).toMatch(/connected|connecting|down|not reachable/);
      }
    }
  });
});
