import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { agentRow, journal, recoveryTrail } from './helpers.js';

const FAKE = join(import.meta.dirname, '..', '..', 'fixtures', 'fake-agent.mjs');

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

const fake = (name: string) => `      - role: agent\n        name: ${name}\n        command: [node, ${JSON.stringify(FAKE)}]\n        profile: claude\n        messages: {header: false}\n`;

describe('the recovery ladder', () => {
  it('a command that dies at once climbs L1 → L2 → L3 → L4 and stops with a give-up record', async () => {
    p = makeProject();
    p.write('l.yaml', [
      'session: crash',
      'recovery:',
      '  hook: "echo infra-hook-ran >> hook.log"',
      '  pane: {limit: 2, backoff_ms: 10}',
      '  session: {limit: 1, backoff_ms: 10}',
      '  full: {limit: 1, backoff_ms: 10}',
      '  infra: {limit: 1, backoff_ms: 10}',
      'windows:',
      '  - name: main',
      '    panes:',
      '      - role: agent',
      '        name: boom',
      '        command: sh -c "sleep 0.2; exit 3"',
      '      - role: shell',
      '        name: sh',
      '        command: sh',
      '',
    ].join('\n'));
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'], { env: { MIYABI_SUPERVISE: '1' } })).exitCode).toBe(0);
    const gaveUp = await until(() => journal(p!).find((r) => r.type === 'recovery.gave-up' && r.payload.agent === 'boom'), 'the give-up record', 60_000);
    expect(String(gaveUp.payload.reason)).toMatch(/every level spent/);
    const trail = recoveryTrail(p, 'boom').filter((t) => !t.startsWith('conversation') && !t.startsWith('hook'));
    // Each level in turn, and the hook before L4's restart.
    const attempts = trail.filter((t) => t.startsWith('attempt')).map((t) => t.split(':')[2]);
    expect(attempts).toEqual(['L1', 'L1', 'L2', 'L3', 'L4']);
    expect(trail.filter((t) => t.startsWith('escalated')).map((t) => t.split(':')[2])).toEqual(['L2', 'L3', 'L4']);
    expect(readFileSync(join(p.root, 'hook.log'), 'utf8')).toBe('infra-hook-ran\n');
    // It stops: the controller answers, health says failed, and no record follows the give-up.
    const h = await p.miyabi(['health', '--json']);
    const row = (JSON.parse(h.stdout) as { agents: { name: string; failed: string | null }[] }).agents.find((a) => a.name === 'boom');
    expect(row?.failed).toMatch(/every level spent/);
    const last = journal(p).at(-1)!.seq;
    // The sh pane's own restart proves sweeps still run after the give-up; boom is left alone.
    expect((await p.miyabi(['restart', 'sh'])).exitCode).toBe(0);
    await until(() => journal(p!).some((r) => r.seq > last && r.type === 'recovery.succeeded' && r.payload.agent === 'sh'), 'sh restarted by hand');
    await until(async () => (await p!.miyabi(['status'])).exitCode === 0, 'status');
    expect(journal(p).filter((r) => r.seq > last && r.payload.agent === 'boom')).toEqual([]);
    expect(existsSync(join(p.root, 'hook.log'))).toBe(true);
  }, 120_000);

  it('a hung agent is nudged, then recovered; an agent waiting for a person is never restarted', async () => {
    p = makeProject();
    p.write('l.yaml', `session: hung\nrecovery: {unresponsive_ms: 1500, nudge_wait_ms: 1000}\nwindows:\n  - name: main\n    panes:\n${fake('hangs')}${fake('asks')}`);
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    const asks = await until(async () => {
      const r = await agentRow(p!, 'asks');
      return r?.alive ? r : null;
    }, 'asks up', 20_000);
    await until(async () => (await agentRow(p!, 'hangs'))?.alive, 'hangs up', 20_000);
    expect((await p.miyabi(['send', 'asks', 'ask', '--wait'])).exitCode).toBe(0);
    await until(() => recoveryTrail(p!, 'asks').length > 0, 'asks reported', 20_000);
    const hangs = (await agentRow(p, 'hangs'))!;
    expect((await p.miyabi(['send', 'hangs', 'hang', '--wait'])).exitCode).toBe(0);
    await until(() => journal(p!).some((r) => r.type === 'recovery.succeeded' && r.payload.agent === 'hangs'), 'hangs recovered', 30_000);
    const trail = recoveryTrail(p, 'hangs');
    expect(trail.indexOf('nudged:hangs:Lundefined')).toBeGreaterThanOrEqual(0);
    expect(trail.indexOf('nudged:hangs:Lundefined')).toBeLessThan(trail.indexOf('detected:hangs:L1'));
    expect(String(journal(p).find((r) => r.type === 'recovery.detected' && r.payload.agent === 'hangs')?.payload.reason)).toMatch(/after a nudge/);
    expect((await agentRow(p, 'hangs'))?.pid).not.toBe(hangs.pid);
    // Waiting for its answer the whole time, longer than the hung one's silence and wait: only reported.
    expect(journal(p).filter((r) => r.type === 'recovery.reported' && r.payload.agent === 'asks').map((r) => r.payload.state)).toEqual(['waiting-for-input']);
    expect(recoveryTrail(p, 'asks').filter((t) => !t.startsWith('reported'))).toEqual([]);
    expect((await agentRow(p, 'asks'))?.pid).toBe(asks.pid);
  }, 90_000);
});
