/** validate, run, runs, logs and cancel as a user runs them; a runner SIGKILLed mid-run is interrupted, then resumed. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, project, slowSkill, SLOW_PIPELINE, until, type Project, type RunJson } from './cli.js';

// SLOW seconds of sleep in the second stage.
const SKILL = slowSkill(`echo $$ > slow.pid; sleep \${SLOW:-0} & echo $! >> slow.pid; wait`);
const PIPELINE = SLOW_PIPELINE;

let p: Project | undefined;
afterEach(() => {
  p?.cleanup();
  p = undefined;
});

async function runsJson(pr: Project): Promise<RunJson[]> {
  return JSON.parse((await pr.miyabi(['runs', '--json'])).stdout) as RunJson[];
}

function pids(pr: Project): number[] {
  const f = path.join(pr.root, 'slow.pid');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').map(Number).filter(Boolean) : [];
}

describe('miyabi validate', () => {
  it('checks the repository\'s own pipelines, skills and layouts', async () => {
    const pr = (p = project());
    for (const d of ['pipelines', 'skills', 'layouts']) fs.cpSync(path.resolve(import.meta.dirname, '../../..', d), path.join(pr.root, d), { recursive: true });
    const r = await pr.miyabi(['validate']);
    expect(r.stderr).toMatch(/^\d+ file\(s\) checked: 0 error\(s\), 0 warning\(s\)/);
    expect(r.exitCode).toBe(0);
  });

  it('exits 2 with every error as file:line:col field: message', async () => {
    const pr = (p = project());
    pr.write('pipelines/bad.yaml', 'name: bad\nstages:\n  - name: a\n    skill: nope\n    actions: [x]\n    on_success: nowhere\n    condition: branch = main\n');
    const r = await pr.miyabi(['validate']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^pipelines\/bad\.yaml:4:12 stages\[0\]\.skill: unknown skill "nope"/),
      expect.stringMatching(/^pipelines\/bad\.yaml:6:17 stages\[0\]\.on_success: no stage named "nowhere"/),
      expect.stringMatching(/^pipelines\/bad\.yaml:7:16 stages\[0\]\.condition: "=" is not an operator/),
    ]);
  });
});

describe('runs, logs, cancel and crashes', () => {
  it('cancel kills the running stage\'s process group and the run ends cancelled', async () => {
    const pr = (p = project());
    pr.write('skills/test.yaml', SKILL);
    pr.write('pipelines/slow.yaml', PIPELINE);
    const child = pr.spawn(['run', 'slow', '--wait'], { SLOW: '60' });
    const run = await until(async () => (await runsJson(pr)).find((r) => r.status === 'running' && pids(pr).length === 2));
    const c = await pr.miyabi(['cancel', run.id]);
    expect(c.stdout).toContain(`${run.id}: cancelled`);
    const done = await child;
    expect(done.exitCode).toBe(1);
    for (const pid of pids(pr)) await until(() => !alive(pid), 5000);
    const after = (await runsJson(pr))[0] as RunJson;
    expect(after.status).toBe('cancelled');
    expect(after.stages.map((s) => `${s.name}:${s.outcome}`)).toEqual(['first:passed', 'second:cancelled']);
  });

  it('a runner SIGKILLed mid-run leaves a run marked interrupted, which --resume finishes without re-running finished stages', async () => {
    const pr = (p = project());
    pr.write('skills/test.yaml', SKILL);
    pr.write('pipelines/slow.yaml', PIPELINE);
    const child = pr.spawn(['run', 'slow', '--wait'], { SLOW: '60' });
    const run = await until(async () => (await runsJson(pr)).find((r) => r.status === 'running' && pids(pr).length === 2));
    child.kill('SIGKILL');
    await child;
    // The dead runner's stage is still running, orphaned; --resume kills its process group first.
    const orphans = pids(pr);
    expect(orphans.every(alive)).toBe(true);
    const interrupted = (await runsJson(pr))[0] as RunJson;
    expect(interrupted.status).toBe('interrupted');
    const r = await pr.miyabi(['run', '--resume', run.id], { SLOW: '0' });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    for (const pid of orphans) await until(() => !alive(pid), 5000);
    const after = (await runsJson(pr))[0] as RunJson;
    expect(after).toMatchObject({ id: run.id, status: 'succeeded', resumes: 1 });
    expect(after.stages.map((s) => `${s.name}:${s.outcome}`)).toEqual(['first:passed', 'second:stopped', 'second:passed', 'third:passed']);
    expect(fs.readFileSync(path.join(pr.root, 'first.count'), 'utf8')).toBe('ran\n');
    const logs = await pr.miyabi(['logs', run.id]);
    expect(logs.stdout).toMatch(/==> first <==[\s\S]*==> second <==[\s\S]*try 1 of 1[\s\S]*try 1 of 1/);
  });

  it('with no controller, `miyabi run` holds the project: up says so at once, a second run waits its turn', async () => {
    const pr = (p = project());
    pr.write('skills/test.yaml', SKILL);
    pr.write('pipelines/slow.yaml', PIPELINE);
    const first = pr.spawn(['run', 'slow', '--wait'], { SLOW: '60' });
    const run = await until(async () => (await runsJson(pr)).find((r) => r.status === 'running' && pids(pr).length === 2));
    const t0 = Date.now();
    const up = await pr.miyabi(['up', '--detach']);
    expect(up.exitCode).not.toBe(0);
    expect(up.stderr).toMatch(/`miyabi run` \(pid \d+\) is running a pipeline here with no controller/);
    expect(Date.now() - t0).toBeLessThan(15_000); // not the 20 s wait for a controller that never answers
    const second = pr.spawn(['run', 'slow', '--wait'], { SLOW: '0' });
    let said = '';
    second.stderr?.on('data', (d: Buffer) => (said += d.toString()));
    await until(() => said.includes('with no controller, runs take turns'));
    expect(await runsJson(pr)).toHaveLength(1);
    expect((await pr.miyabi(['cancel', run.id])).stdout).toContain(`${run.id}: cancelled`);
    expect((await first).exitCode).toBe(1);
    const after = await second;
    expect(after.exitCode, String(after.stdout) + String(after.stderr)).toBe(0);
    expect((await runsJson(pr)).map((r) => r.status)).toEqual(['cancelled', 'succeeded']);
  });
});

