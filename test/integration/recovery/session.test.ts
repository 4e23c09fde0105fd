import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive } from '../../../src/core/instance-lock.js';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { READER, received } from '../../helpers/readers.js';
import { liveSupervisor } from '../../../src/core/supervisor-file.js';
import { journal, recoveryTrail } from './helpers.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

const LAYOUT = `session: rs\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: r1\n        command: [node, ${JSON.stringify(READER)}, rec/r1.jsonl]\n      - role: agent\n        name: r2\n        command: [node, ${JSON.stringify(READER)}, rec/r2.jsonl]\n`;

async function status(t: TestProject): Promise<StatusResult | null> {
  const r = await t.miyabi(['status', '--json']);
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as StatusResult) : null;
}

const names = (s: StatusResult) => s.panes.filter((x) => x.alive).map((x) => x.name).sort();

describe('recovery L2 and L3: the session and the controller come back', () => {
  it('kill-session: the session is built again with every agent, and messages still arrive', async () => {
    p = makeProject();
    mkdirSync(join(p.root, 'rec'));
    p.write('l.yaml', LAYOUT);
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    const r = await p.miyabi(['spawn', 'r3', '--no-worktree', '--command', `node ${READER} rec/r3.jsonl`]);
    expect(r.exitCode, r.stderr).toBe(0);
    const pid = p.controllerPid();
    p.tmux.tmux('kill-session', '-t', 'rs');
    const back = await until(async () => {
      const s = await status(p!);
      return s && names(s).join(',') === 'r1,r2,r3' ? s : null;
    }, 'the session back with r1, r2 and r3', 20_000);
    expect(back.controller.pid).toBe(pid);
    await until(() => recoveryTrail(p!, 'session').includes('succeeded:session:L2'), 'L2 journaled as succeeded');
    expect((await p.miyabi(['send', 'r3', 'after the rebuild', '--wait'])).stdout).toContain('delivered');
    expect(received(p, 'r3')).toEqual(['after the rebuild']);
  }, 60_000);

  it('kill-server under the supervisor: the session comes back by itself with agents, worktrees, the task queue and undelivered messages', async () => {
    p = makeProject();
    mkdirSync(join(p.root, 'rec'));
    const wt = `      - role: agent\n        name: w1\n        worktree: true\n        command: [node, ${JSON.stringify(READER)}, ${JSON.stringify(join(p.root, 'rec', 'w1.jsonl'))}]\n`;
    p.write('l.yaml', LAYOUT.replace('session: rs', 'session: rk') + wt);
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'], { env: { MIYABI_SUPERVISE: '1' } })).exitCode).toBe(0);
    expect(liveSupervisor(join(p.root, '.miyabi', 'run'))).not.toBeNull();
    expect((await p.miyabi(['spawn', 'r3', '--command', `node ${READER} ${join(p.root, 'rec', 'r3.jsonl')}`])).exitCode).toBe(0);
    const rows = async () => {
      const r = await p!.miyabi(['agents', '--json']);
      return r.exitCode === 0 ? (JSON.parse(r.stdout) as { name: string; alive: boolean; cwd: string; worktree: string | null; pid: number }[]) : [];
    };
    const before = await until(async () => {
      const a = await rows();
      return a.filter((x) => x.alive).length === 4 && a.every((x) => x.name.startsWith('r') || x.worktree) ? a : null;
    }, 'four agents up', 20_000);
    expect((await p.miyabi(['task', 'add', 'queued across kill-server'])).exitCode).toBe(0);
    expect((await p.miyabi(['send', 'w1', 'before', '--wait'])).stdout).toContain('delivered');
    const old = p.controllerPid()!;
    p.tmux.tmux('kill-server');
    // Sent while no tmux runs: it waits until the agent is back.
    expect((await p.miyabi(['send', 'r3', 'while the server was gone'])).exitCode).toBe(0);
    expect((await p.miyabi(['send', 'w1', 'to the worktree agent'])).exitCode).toBe(0);
    const after = await until(async () => {
      const a = await rows();
      return a.filter((x) => x.alive).length === 4 && a.every((x) => !before.some((b) => b.name === x.name && b.pid === x.pid)) ? a : null;
    }, 'all four back with new processes', 30_000);
    expect(after.map((x) => x.name).sort()).toEqual(['r1', 'r2', 'r3', 'w1']);
    const w = (l: typeof before) => l.find((x) => x.name === 'w1')!;
    expect(w(after).worktree).toBe(w(before).worktree);
    expect(w(after).cwd).toBe(w(before).worktree);
    await until(() => received(p!, 'r3').includes('while the server was gone'), 'the message sent while down, to the spawned agent', 20_000);
    await until(() => received(p!, 'w1').includes('to the worktree agent'), 'the message to the worktree agent', 20_000);
    expect(received(p, 'w1').filter((x) => x === 'before')).toHaveLength(1);
    expect((await p.miyabi(['task', 'list', '--json'])).stdout).toContain('queued across kill-server');
    // It came back by itself, `up` never typed again: the controller outlived its tmux server and
    // built the session on a new one (L2); with the controller killed too, the supervisor's L3 (below).
    expect(recoveryTrail(p, 'session')).toContain('succeeded:session:L2');
    expect(p.controllerPid()).toBe(old);
  }, 90_000);

  it('the tmux server and the controller killed together come back by themselves, with agents, the task queue and undelivered messages', async () => {
    p = makeProject();
    mkdirSync(join(p.root, 'rec'));
    p.write('l.yaml', LAYOUT);
    const sup = { env: { MIYABI_SUPERVISE: '1' } };
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'], sup)).exitCode).toBe(0);
    expect((await p.miyabi(['spawn', 'r3', '--no-worktree', '--command', `node ${READER} rec/r3.jsonl`])).exitCode).toBe(0);
    expect((await p.miyabi(['send', 'r1', 'before', '--wait'])).stdout).toContain('delivered');
    expect((await p.miyabi(['task', 'add', 'kept across the crash'])).exitCode).toBe(0);
    const old = p.controllerPid()!;
    process.kill(-old, 'SIGKILL');
    p.tmux.tmux('kill-server');
    await until(() => !pidAlive(old), 'the controller to die');
    // Sent while nothing runs: it waits in the bus.
    expect((await p.miyabi(['send', 'r2', 'while down'])).exitCode).toBe(0);
    const back = await until(async () => {
      const s = await status(p!);
      return s && s.controller.pid !== old && names(s).join(',') === 'r1,r2,r3' ? s : null;
    }, 'a new controller with r1, r2 and r3', 30_000);
    expect(back.controller.pid).not.toBe(old);
    await until(() => received(p!, 'r2').includes('while down'), 'the undelivered message', 20_000);
    const tasks = await p.miyabi(['task', 'list', '--json']);
    expect(tasks.stdout).toContain('kept across the crash');
    expect((await p.miyabi(['send', 'r3', 'spawned one too', '--wait'])).stdout).toContain('delivered');
    const rec = journal(p).filter((x) => x.type.startsWith('recovery.'));
    expect(rec.some((x) => x.type === 'recovery.succeeded' && x.payload.agent === 'controller' && x.payload.level === 3)).toBe(true);
    // down stops the supervisor too: nothing comes back after it.
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    await until(() => liveSupervisor(join(p!.root, '.miyabi', 'run')) === null, 'the supervisor gone');
    expect(await status(p)).toBeNull();
  }, 90_000);
});
