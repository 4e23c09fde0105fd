import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { journal, recoveryTrail } from './helpers.js';

const AGENT = join(import.meta.dirname, '..', '..', 'fixtures', 'task-agent.mjs');
const FAKE = join(import.meta.dirname, '..', '..', 'fixtures', 'fake-agent.mjs');
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'miyabi.js');

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

// The agent reports the task failed (its text says FAIL): the stage fails, with no retry, and escalates.
const SKILL = `name: team
actions:
  describe: "echo FAIL the build"
  pane: { builtin: get-available-pane }
  assign: { builtin: assign-agent }
  start: { builtin: start-in-pane }
  wait: "sleep 8"
`;
const FAILING = `name: fix
stages:
  - { name: describe, skill: team, actions: [describe], output: task }
  - { name: target, skill: team, actions: [pane], output: pane_id, timeout: 30s }
  - { name: assign, skill: team, actions: [assign], input: [pane_id], output: agent }
  - { name: execute, skill: team, actions: [start], input: [task], timeout: 30s, retries: 0 }
`;
const SLOW = `name: slow
stages:
  - { name: wait, skill: team, actions: [wait], timeout: 60s }
`;

/**
 * Design document, Mechanism 2: a pipeline stage that keeps failing escalates to session recovery.
 * Each escalation sends the agent that ran the run one step up the ladder (limits of 1 per level
 * here), so the third reaches L3: the controller restarts under its supervisor from snapshot +
 * journal, and a run in flight and a message still queued come through it.
 */
describe('a pipeline stage that keeps failing escalates into recovery', () => {
  it('climbs L1 → L2 → L3; the full restart keeps the run in flight and a queued message', async () => {
    p = makeProject('miyabi-rec-pl');
    for (const d of ['rec', 'skills', 'pipelines']) mkdirSync(join(p.root, d));
    p.write('skills/team.yaml', SKILL);
    p.write('pipelines/fix.yaml', FAILING);
    p.write('pipelines/slow.yaml', SLOW);
    p.write('l.yaml', [
      'session: rpl',
      'recovery:',
      '  pane: {limit: 1, backoff_ms: 10}',
      '  session: {limit: 1, backoff_ms: 10}',
      '  full: {limit: 1, backoff_ms: 10}',
      'windows:',
      '  - name: main',
      '    panes:',
      '      - role: agent',
      '        name: a1',
      `        command: [node, ${JSON.stringify(AGENT)}, ${JSON.stringify(BIN)}, rec/tasks.jsonl]`,
      '      - role: agent',
      '        name: fa',
      `        command: [node, ${JSON.stringify(FAKE)}]`,
      '        profile: claude',
      '        messages: {header: false}',
      '',
    ].join('\n'));
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'], { env: { MIYABI_SUPERVISE: '1' } })).exitCode).toBe(0);
    // fa busy for a while: a message to it waits, queued, through the restart.
    expect((await p.miyabi(['send', 'fa', 'work 60000', '--wait'])).exitCode).toBe(0);
    const queued = await p.miyabi(['send', 'fa', 'queued through L3']);
    expect(queued.exitCode).toBe(0);

    const levels: string[] = [];
    for (const want of ['L1', 'L2']) {
      const r = await p.miyabi(['run', 'fix', '--wait']);
      expect(r.exitCode, r.stdout + r.stderr).toBe(1);
      await until(() => recoveryTrail(p!, 'a1').find((t) => t.startsWith('succeeded') && t.endsWith(want)), `a1 recovered at ${want}`, 30_000);
      levels.push(want);
    }
    const old = p.controllerPid();
    // A run in flight when the third escalation restarts the controller.
    expect((await p.miyabi(['run', 'slow'])).exitCode).toBe(0);
    const third = await p.miyabi(['run', 'fix', '--wait']);
    expect(third.exitCode).not.toBe(0);
    await until(() => p!.controllerPid() !== old && p!.controllerPid(), 'a new controller', 30_000);
    await until(() => recoveryTrail(p!, 'a1').includes('succeeded:a1:L3'), 'a1 recovered at L3', 30_000);
    const trail = recoveryTrail(p, 'a1').filter((t) => /^(attempt|escalated)/.test(t));
    expect(trail).toEqual(['attempt:a1:L1', 'escalated:a1:L2', 'attempt:a1:L2', 'escalated:a1:L3', 'attempt:a1:L3']);
    const attempts = journal(p).filter((r) => r.type === 'recovery.attempt' && r.payload.agent === 'a1');
    expect(attempts.map((r) => r.payload.by)).toEqual(['pipeline', 'pipeline', 'pipeline']);
    expect(String(attempts[2]?.payload.reason)).toMatch(/pipeline fix stage execute escalated/);

    // The run in flight finishes under the new controller; the queued message is still there.
    await until(async () => {
      const runs = JSON.parse((await p!.miyabi(['runs', '--json'])).stdout) as { pipeline: string; state?: string; outcome?: string }[];
      const slow = runs.find((r) => r.pipeline === 'slow');
      return slow && JSON.stringify(slow).includes('passed') ? slow : null;
    }, 'the slow run passed', 40_000);
    // It was in flight through the restart: interrupted by the old controller, resumed by the new one.
    const slowId = journal(p).find((r) => r.type === 'run.started' && r.payload.pipeline === 'slow')?.payload.runId;
    expect(journal(p).filter((r) => r.payload.runId === slowId).map((r) => r.type)).toEqual(expect.arrayContaining(['run.interrupted', 'run.resumed']));
    const inbox = await p.miyabi(['inbox', 'fa', '--json']);
    expect(inbox.stdout).toContain('queued through L3');
    expect(inbox.stdout).not.toContain('"failed"');
  }, 180_000);
});
