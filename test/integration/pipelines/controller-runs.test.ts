/**
 * Runs hosted by the controller: `miyabi run` hands the run over IPC and --wait follows it; a
 * controller SIGKILLed mid-stage leaves the run to the next controller, which resumes it from its
 * last finished stage (the finished one is not run again, the interrupted one runs afresh); `down`
 * stops runs as interrupted and the next `up` resumes them too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { slowSkill, SLOW_PIPELINE } from './cli.js';
import { IpcClient } from '../../../src/ipc/client.js';
import { projectPaths } from '../../../src/core/paths.js';

// The second stage holds until the file `go` exists.
const SKILL = slowSkill(`echo $$ >> slow.pid; (while [ ! -f go ]; do sleep 0.05; done) & echo $! >> slow.pid; wait`);
const PIPELINE = SLOW_PIPELINE;

interface RunJson { id: string; status: string; resumes: number; stages: { name: string; outcome: string }[] }

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

function setup(): TestProject {
  const pr = (p = makeProject('miyabi-runs'));
  fs.mkdirSync(path.join(pr.root, 'skills'));
  fs.mkdirSync(path.join(pr.root, 'pipelines'));
  pr.write('skills/test.yaml', SKILL);
  pr.write('pipelines/slow.yaml', PIPELINE);
  return pr;
}

async function runs(pr: TestProject): Promise<RunJson[]> {
  return JSON.parse((await pr.miyabi(['runs', '--json'])).stdout) as RunJson[];
}

function pids(pr: TestProject): number[] {
  const f = path.join(pr.root, 'slow.pid');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').map(Number).filter(Boolean) : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const stages = (r: RunJson | undefined) => r?.stages.map((s) => `${s.name}:${s.outcome}`);

describe('pipeline runs hosted by the controller', () => {
  it('run --wait goes through the controller and its records land in the one journal', async () => {
    const pr = setup();
    fs.writeFileSync(path.join(pr.root, 'go'), '');
    expect((await pr.miyabi(['up', '--detach'])).exitCode).toBe(0);
    const r = await pr.miyabi(['run', 'slow', '--wait']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/first: passed[\s\S]*second: passed[\s\S]*third: passed[\s\S]*: succeeded in/);
    const [run] = await runs(pr);
    const journal = fs.readFileSync(path.join(pr.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');
    const started = journal.split('\n').filter((l) => l.includes('"type":"run.started"'));
    expect(started).toHaveLength(1);
    expect(started[0]).toContain(`"pid":${pr.controllerPid()}`);
    expect(started[0]).toContain(`"runId":"${run?.id}"`);
    // What the conductor and the dashboard ask for: where each run is, not its outputs.
    const c = await IpcClient.connect(projectPaths(pr.root).socket);
    try {
      const rows = await c.request('runs.list', { limit: 5 });
      expect(rows).toMatchObject([{ runId: run?.id, pipeline: 'slow', status: 'succeeded', stages: [{ name: 'first', outcome: 'passed' }, { name: 'second', outcome: 'passed' }, { name: 'third', outcome: 'passed' }] }]);
      expect(Object.keys(rows[0] ?? {})).not.toContain('outputs');
    } finally {
      c.close();
    }
  });

  it('a controller SIGKILLed mid-stage: the next one resumes the run from its last finished stage', async () => {
    const pr = setup();
    expect((await pr.miyabi(['up', '--detach'])).exitCode).toBe(0);
    const id = (await pr.miyabi(['run', 'slow'])).stdout.trim();
    expect(id).toMatch(/^slow-\d{8}-\d{6}-[0-9a-f]{4}$/);
    await until(async () => pids(pr).length === 2 && stages((await runs(pr))[0])?.join() === 'first:passed,second:running', 'second stage running');
    const orphans = pids(pr);
    const old = pr.controllerPid()!;
    process.kill(-old, 'SIGKILL');
    await until(() => !alive(old), 'controller gone');
    expect((await runs(pr))[0]?.status).toBe('interrupted');
    expect((await pr.miyabi(['up', '--detach'])).exitCode).toBe(0);
    // Asked at once, the new controller already knows the resumed run: a second run waits its turn.
    const second = await pr.miyabi(['run', 'slow']);
    expect(second.stderr).toContain(`queued behind ${id}`);
    fs.writeFileSync(path.join(pr.root, 'go'), '');
    const done = await until(async () => (await runs(pr)).find((r) => r.id === id && r.status === 'succeeded'), 'run resumed and finished', 20_000);
    expect(done).toMatchObject({ id, resumes: 1 });
    await until(async () => (await runs(pr)).find((r) => r.id === second.stdout.trim() && r.status === 'succeeded'), 'the queued run ran after it', 20_000);
    expect(stages(done)).toEqual(['first:passed', 'second:stopped', 'second:passed', 'third:passed']);
    expect(fs.readFileSync(path.join(pr.root, 'first.count'), 'utf8')).toBe('ran\nran\n'); // once per run
    // The dead controller's stage commands were killed before the stage ran again.
    for (const pid of orphans) await until(() => !alive(pid), `orphan ${pid} gone`);
  });

  it('down stops a run as interrupted; the next up resumes it', async () => {
    const pr = setup();
    expect((await pr.miyabi(['up', '--detach'])).exitCode).toBe(0);
    const id = (await pr.miyabi(['run', 'slow'])).stdout.trim();
    await until(async () => pids(pr).length === 2, 'second stage running');
    expect((await pr.miyabi(['down'])).exitCode).toBe(0);
    const stopped = (await runs(pr))[0];
    expect(stopped?.status).toBe('interrupted');
    for (const pid of pids(pr)) await until(() => !alive(pid), `stage process ${pid} gone`);
    fs.writeFileSync(path.join(pr.root, 'go'), '');
    expect((await pr.miyabi(['up', '--detach'])).exitCode).toBe(0);
    const done = await until(async () => (await runs(pr)).find((r) => r.id === id && r.status === 'succeeded'), 'resumed', 20_000);
    expect(stages(done)).toEqual(['first:passed', 'second:stopped', 'second:passed', 'third:passed']);
  });

  it('cancel through the controller ends the run cancelled and kills its commands', async () => {
    const pr = setup();
    expect((await pr.miyabi(['up', '--detach'])).exitCode).toBe(0);
    const id = (await pr.miyabi(['run', 'slow'])).stdout.trim();
    await until(async () => pids(pr).length === 2, 'second stage running');
    const c = await pr.miyabi(['cancel', id]);
    expect(c.stdout).toContain(`${id}: cancelled`);
    for (const pid of pids(pr)) await until(() => !alive(pid), `stage process ${pid} gone`);
    expect(stages((await runs(pr))[0])).toEqual(['first:passed', 'second:cancelled']);
  });
});
