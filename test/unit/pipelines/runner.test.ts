/** The runner against real processes and an in-memory journal. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldRun } from '../../../src/pipelines/run-state.js';
import { fixture, until } from './helpers.js';

const SKILL = `name: test
actions:
  flaky: ['/bin/sh', '-c', 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; [ $n -ge 3 ]']
  fail: "false"
  ok: "true"
  say: echo hello
  stamp-a: "/bin/sh -c 'date +%s%N > a.start; sleep 0.4; date +%s%N > a.end'"
  stamp-b: "/bin/sh -c 'date +%s%N > b.start; sleep 0.4; date +%s%N > b.end'"
  hang: "/bin/sh -c 'sleep 30 & echo $! > pids; sleep 30 & echo $! >> pids; echo $$ >> pids; wait'"
  slow: "/bin/sh -c 'echo ran >> slow.count; sleep \${SLOW:-0}'"
  count: "/bin/sh -c 'echo ran >> first.count'"
  print-in: "/bin/sh -c 'echo got=$MIYABI_IN_GREETING'"
  deploy: "/bin/sh -c 'echo deployed > deployed'"
  tick: "/bin/sh -c 'echo tick >> ticks'"
`;

const outcomes = (st: { stages: { name: string; outcome: string }[] }) => st.stages.map((s) => `${s.name}:${s.outcome}`);

describe('runner', () => {
  it('a stage that fails twice and passes on the third try passes', async () => {
    const f = fixture(SKILL, 'name: p\nbackoff: 10ms\nstages:\n  - { name: s, skill: test, actions: [flaky] }\n');
    const st = await f.runner().start();
    expect(st.outcome).toBe('succeeded');
    expect(st.stages[0]).toMatchObject({ name: 's', outcome: 'passed', attempts: 3 });
    expect(f.journal.of('stage.retry').map((p) => p['attempt'])).toEqual([1, 2]);
    expect(f.journal.of('stage.escalated')).toEqual([]);
    for (const p of f.journal.of('stage.finished')) expect(typeof p['durationMs']).toBe('number');
  });

  it('a stage that keeps failing escalates after its tries and takes on_failure', async () => {
    const escalations: unknown[] = [];
    const f = fixture(SKILL, `name: p
backoff: 10ms
stages:
  - { name: s, skill: test, actions: [fail], on_failure: report, on_success: done }
  - { name: report, skill: test, actions: [ok] }
  - { name: done, skill: test, actions: [ok] }
`);
    const st = await f.runner({ onEscalate: (e) => { escalations.push(e); } }).start();
    expect(outcomes(st)).toEqual(['s:failed', 'report:passed']);
    expect(st.outcome).toBe('failed');
    expect(st.stages[0]).toMatchObject({ attempts: 3, escalated: true });
    expect(f.journal.of('stage.escalated')).toEqual([expect.objectContaining({ stage: 's', attempts: 3, next: 'report' })]);
    expect(escalations).toEqual([expect.objectContaining({ stage: 's', attempts: 3 })]);
  });

  it('runs the actions of a parallel stage at once', async () => {
    const f = fixture(SKILL, 'name: p\nstages:\n  - { name: s, skill: test, actions: [stamp-a, stamp-b], parallel: true }\n');
    await f.runner().start();
    const t = (n: string) => Number(fs.readFileSync(path.join(f.root, n), 'utf8')) / 1e6;
    // Each action sleeps 0.4 s; they overlap when each starts before the other ends.
    expect(t('a.start')).toBeLessThan(t('b.end'));
    expect(t('b.start')).toBeLessThan(t('a.end'));
  });

  it('a timed-out stage has every process of its group killed', async () => {
    const f = fixture(SKILL, 'name: p\nstages:\n  - { name: s, skill: test, actions: [hang], timeout: 500ms, retries: 0 }\n');
    const st = await f.runner().start();
    expect(st.stages[0]).toMatchObject({ outcome: 'failed' });
    expect(st.stages[0]?.error).toMatch(/timed out after 500 ms/);
    const pids = fs.readFileSync(path.join(f.root, 'pids'), 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(3);
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    await until(() => pids.every((p) => !alive(p)), 5000);
  });

  it('condition branch == main skips deploy on another branch, and runs it on main', async () => {
    const yaml = `name: p
stages:
  - { name: build, skill: test, actions: [ok], on_success: deploy, on_failure: report }
  - { name: deploy, skill: test, actions: [deploy], condition: branch == main, on_success: complete }
  - { name: report, skill: test, actions: [ok] }
  - { name: complete, skill: test, actions: [ok] }
`;
    const f = fixture(SKILL, yaml);
    const st = await f.runner({ branch: 'feature/x' }).start();
    expect(outcomes(st)).toEqual(['build:passed', 'deploy:skipped', 'complete:passed']);
    expect(st.stages[1]?.reason).toBe('condition is false: branch == main');
    expect(fs.existsSync(path.join(f.root, 'deployed'))).toBe(false);
    const g = fixture(SKILL, yaml);
    const st2 = await g.runner({ branch: 'main' }).start();
    expect(outcomes(st2)).toEqual(['build:passed', 'deploy:passed', 'complete:passed']);
    expect(fs.existsSync(path.join(g.root, 'deployed'))).toBe(true);
  });

  it('feeds the output of a stage to the input of a later one', async () => {
    const f = fixture(SKILL, `name: p
stages:
  - { name: a, skill: test, actions: [say], output: greeting }
  - { name: b, skill: test, actions: [print-in], input: greeting, output: [echoed] }
`);
    const st = await f.runner().start();
    expect(st.outputs).toEqual({ greeting: 'hello', echoed: 'got=hello' });
  });

  it('after an unhandled failure only stages whose condition holds run (error-detected)', async () => {
    const f = fixture(SKILL, `name: p
stages:
  - { name: a, skill: test, actions: [fail], retries: 0 }
  - { name: b, skill: test, actions: [ok] }
  - { name: recover, skill: test, actions: [ok], condition: error-detected }
`);
    const st = await f.runner().start();
    expect(outcomes(st)).toEqual(['a:failed', 'b:skipped', 'recover:passed']);
    expect(st.outcome).toBe('failed');
  });

  it('a continuous stage runs beside the rest until the run ends', async () => {
    const f = fixture(SKILL, `name: p
stages:
  - { name: watch, skill: test, actions: [tick], continuous: true, interval: 20ms }
  - { name: work, skill: test, actions: [stamp-a] }
`);
    const st = await f.runner().start();
    expect(st.outcome).toBe('succeeded');
    const watch = st.stages.find((s) => s.name === 'watch');
    expect(watch?.outcome).toBe('stopped');
    expect(fs.readFileSync(path.join(f.root, 'ticks'), 'utf8').split('\n').length).toBeGreaterThan(2);
  });

  it('the built-in rollback fails "not configured" unless a rollback command is set', async () => {
    const yaml = 'name: p\nstages:\n  - { name: deploy, skill: test, actions: [fail], retries: 0, on_failure: rollback }\n';
    const f = fixture(SKILL, yaml);
    const st = await f.runner().start();
    expect(outcomes(st)).toEqual(['deploy:failed', 'rollback:failed']);
    expect(st.stages[1]?.error).toMatch(/not configured: set MIYABI_ROLLBACK_CMD/);
    const g = fixture(SKILL, yaml);
    const st2 = await g.runner({ vars: { MIYABI_ROLLBACK_CMD: 'echo rolled back > rb' } }).start();
    expect(outcomes(st2)).toEqual(['deploy:failed', 'rollback:passed']);
    expect(fs.readFileSync(path.join(g.root, 'rb'), 'utf8')).toBe('rolled back\n');
  });

  it('agent built-ins fail clearly without the agents feature, and are not retried', async () => {
    const f = fixture(SKILL, 'name: p\nstages:\n  - { name: prep, skill: miyabi-worktree-management, actions: [create-worktree] }\n');
    const st = await f.runner().start();
    expect(st.stages[0]).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect(st.stages[0]?.error).toMatch(/needs a running controller/);
  });

  it('cancel kills the running stage and ends the run cancelled', async () => {
    const f = fixture(SKILL, 'name: p\nstages:\n  - { name: s, skill: test, actions: [hang] }\n  - { name: t, skill: test, actions: [ok] }\n');
    const r = f.runner();
    const done = r.start();
    await until(() => fs.existsSync(path.join(f.root, 'pids')) && fs.readFileSync(path.join(f.root, 'pids'), 'utf8').split('\n').length > 3);
    r.cancel();
    const st = await done;
    expect(st.outcome).toBe('cancelled');
    expect(outcomes(st)).toEqual(['s:cancelled']);
  });
});

describe('crash and resume', () => {
  const yaml = `name: p
stages:
  - { name: first, skill: test, actions: [count] }
  - { name: second, skill: test, actions: [slow] }
  - { name: third, skill: test, actions: [ok] }
`;

  it('a second runner over the journal of a crashed one resumes after the last finished stage', async () => {
    const f = fixture(SKILL, yaml);
    const r1 = f.runner({ env: { PATH: process.env.PATH ?? '', SLOW: '30' } });
    const done = r1.start();
    // The line written, not just the file: the shell creates slow.count (>>) before echo writes to it,
    // and a cancel between the two (a loaded CI run) left it empty.
    const slowRan = () => fs.existsSync(path.join(f.root, 'slow.count')) && fs.readFileSync(path.join(f.root, 'slow.count'), 'utf8') === 'ran\n';
    await until(() => f.journal.of('stage.started').some((p) => p['stage'] === 'second') && slowRan());
    // The crash: everything the journal held at this moment, and nothing after.
    const crashed = [...f.journal.records];
    r1.cancel();
    await done;
    f.journal.records = crashed;
    const r2 = f.runner({ env: { PATH: process.env.PATH ?? '', SLOW: '0' } });
    const st = await r2.resume();
    expect(st.outcome).toBe('succeeded');
    expect(st.resumes).toBe(1);
    expect(outcomes(st)).toEqual(['first:passed', 'second:stopped', 'second:passed', 'third:passed']);
    // first ran once; second (running at the crash) ran again from its start.
    expect(fs.readFileSync(path.join(f.root, 'first.count'), 'utf8')).toBe('ran\n');
    expect(fs.readFileSync(path.join(f.root, 'slow.count'), 'utf8')).toBe('ran\nran\n');
    expect(foldRun(f.journal.records)?.outcome).toBe('succeeded');
    // Resuming a finished run does nothing.
    const again = await f.runner().resume();
    expect(again.stages).toHaveLength(4);
  });

  it('a run whose pipeline changed since is marked interrupted, not resumed', async () => {
    const f = fixture(SKILL, yaml);
    const r1 = f.runner({ env: { PATH: process.env.PATH ?? '', SLOW: '30' } });
    const done = r1.start();
    await until(() => f.journal.of('stage.started').some((p) => p['stage'] === 'second'));
    const crashed = [...f.journal.records];
    r1.cancel();
    await done;
    f.journal.records = crashed;
    f.pipeline = { ...f.pipeline, hash: 'changed' };
    const st = await f.runner().resume();
    expect(st.outcome).toBe('interrupted');
    expect(st.reason).toMatch(/pipeline file changed/);
  });
});
