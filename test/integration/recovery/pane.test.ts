import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { agentRow, journal } from './helpers.js';

const FAKE = join(import.meta.dirname, '..', '..', 'fixtures', 'fake-agent.mjs');

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

const agentYaml = (session: string, extra = '') =>
  `session: ${session}\n${extra}windows:\n  - name: main\n    panes:\n      - role: agent\n        name: fa\n        command: [node, ${JSON.stringify(FAKE)}]\n        profile: claude\n        worktree: true\n        messages: {header: false}\n      - role: shell\n        name: sh\n        command: sh\n`;

describe('recovery L1: a dead pane comes back in place', () => {
  it('with recovery off, a dead pane is called dead by status and doctor, never running or fine', async () => {
    p = makeProject();
    p.write('l.yaml', 'session: rd0\nrecovery: {enabled: false}\nwindows:\n  - name: main\n    panes:\n      - role: shell\n        name: sh\n        command: sh -c "sleep 1; exit 4"\n');
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    const st = await until(async () => {
      const r = await p!.miyabi(['status']);
      // tmux 3.3a may not have the exit status yet (dead(?)): pane_dead_status lags pane_dead.
      return r.stdout.includes('dead(') ? r : null;
    }, 'status to call it dead', 20_000);
    expect(st.stdout).not.toMatch(/sh\s+%\d+\s+\d+\s+alive/);
    const d = await p.miyabi(['doctor', '--json']);
    const checks = JSON.parse(d.stdout) as { level: string; what: string; fix?: string }[];
    expect(checks.find((c) => c.what.includes('pane sh'))).toMatchObject({ level: 'warn', what: expect.stringContaining('is dead (exit status'), fix: expect.stringContaining('miyabi restart sh') });
  }, 60_000);

  it('an agent killed with SIGKILL is back in its pane, in its worktree, with its command, and a message it had not confirmed arrives after', async () => {
    p = makeProject();
    p.write('l.yaml', agentYaml('rl1'));
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    const before = await until(async () => {
      const r = await agentRow(p!, 'fa');
      return r?.alive && r.worktree ? r : null;
    }, 'fa up in its worktree', 20_000);
    // Busy for a while: the next message waits in the inbox for the prompt (not confirmed).
    expect((await p.miyabi(['send', 'fa', 'work 60000', '--wait'])).exitCode).toBe(0);
    expect((await p.miyabi(['send', 'fa', 'after-the-kill'])).exitCode).toBe(0);
    process.kill(before.pid, 'SIGKILL');
    const after = await until(async () => {
      const r = await agentRow(p!, 'fa');
      // The respawned pane's shell runs in the pane's start folder until its launch script's `cd`:
      // the new process is proven only once it stands in the worktree.
      return r && r.alive && r.pid !== before.pid && r.cwd === before.worktree ? r : null;
    }, 'fa back with a new process in its worktree', 20_000);
    expect(after.paneId).toBe(before.paneId);
    expect(after.cwd).toBe(before.worktree);
    const cmd = p.tmux.tmux('display-message', '-p', '-t', after.paneId, '#{pane_current_command}').trim();
    expect(cmd).toBe('node');
    await until(() => journal(p!).some((r) => r.type === 'message.delivered' && r.payload.to === 'fa' && journal(p!).some((s) => s.type === 'recovery.succeeded' && s.seq < r.seq)), 'the waiting message delivered after the restart', 20_000);
    const types = journal(p).filter((r) => r.type.startsWith('recovery.')).map((r) => `${r.type}:${String(r.payload.agent)}:${String(r.payload.level)}`);
    expect(types).toEqual(expect.arrayContaining(['recovery.detected:fa:1', 'recovery.attempt:fa:1', 'recovery.succeeded:fa:1']));
    // The screen shows the message typed into the new process.
    await until(() => p!.tmux.tmux('capture-pane', '-p', '-t', after.paneId).includes('after-the-kill'), 'the message on the screen', 10_000);
  }, 90_000);
});
