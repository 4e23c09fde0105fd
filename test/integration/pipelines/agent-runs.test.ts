/**
 * A pipeline whose stages need agents, run through the controller as a user runs it: a worktree
 * for the run, an idle agent's pane, the agent assigned and told, and the work handed over through
 * the task queue — the stage ends when the agent runs `miyabi done`. Without a controller the same
 * actions fail with a clear error instead of pretending.
 */
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../../helpers/project.js';

const AGENT = join(import.meta.dirname, '..', '..', 'fixtures', 'task-agent.mjs');
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'miyabi.js');

const SKILL = `name: team
actions:
  describe: "echo write the parser"
  worktree: { builtin: create-worktree }
  pane: { builtin: get-available-pane }
  assign: { builtin: assign-agent }
  notify: { builtin: notify-agent }
  start: { builtin: start-in-pane }
`;
const PIPELINE = `name: team
stages:
  - { name: describe, skill: team, actions: [describe], output: task }
  - { name: prepare, skill: team, actions: [worktree], output: worktree_path }
  - { name: target, skill: team, actions: [pane], output: pane_id, timeout: 30s }
  - { name: assign, skill: team, actions: [assign, notify], input: [worktree_path, pane_id], output: agent }
  - { name: execute, skill: team, actions: [start], input: [task], timeout: 30s }
`;

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

function setup(): TestProject {
  const pr = (p = makeProject('miyabi-agent-runs'));
  for (const d of ['rec', 'skills', 'pipelines']) mkdirSync(join(pr.root, d));
  pr.write('skills/team.yaml', SKILL);
  pr.write('pipelines/team.yaml', PIPELINE);
  pr.write('t.yaml', `session: team\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: a1\n        command: [node, ${JSON.stringify(AGENT)}, ${JSON.stringify(BIN)}, rec/tasks.jsonl]\n`);
  return pr;
}

describe('agent actions in a controller-hosted run', () => {
  it('hands the work to an idle agent through the task queue and passes when it is done', async () => {
    const pr = setup();
    expect((await pr.miyabi(['up', '-l', 't.yaml', '--detach'])).exitCode).toBe(0);
    const r = await pr.miyabi(['run', 'team', '--wait']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const runs = JSON.parse((await pr.miyabi(['runs', '--json'])).stdout) as { stages: { name: string; outcome: string }[] }[];
    expect(runs[0]?.stages.map((s) => `${s.name}:${s.outcome}`)).toEqual([
      'describe:passed', 'prepare:passed', 'target:passed', 'assign:passed', 'execute:passed',
    ]);
    const got = readFileSync(join(pr.root, 'rec', 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { agent: string; what: string });
    expect(got).toHaveLength(1);
    expect(got[0]?.agent).toBe('a1');
    expect(got[0]?.what).toContain('write the parser');
    const tasks = JSON.parse((await pr.miyabi(['task', 'list', '--json'])).stdout) as { state: string; assignee: string; worktree: string | null }[];
    expect(tasks).toMatchObject([{ state: 'done', assignee: 'a1' }]);
  }, 60_000);

  it('with no controller, an agent action fails at once and says to start one', async () => {
    const pr = setup();
    const r = await pr.miyabi(['run', 'team', '--wait']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/prepare: failed .*create-worktree needs a running controller/);
  });
});

describe("the design document's multi-agent pipeline, as written", () => {
  it('runs whole in the controller: worktree, pane, assignment, the task done, messages relayed beside it', async () => {
    const pr = setup();
    const repo = join(import.meta.dirname, '..', '..', '..');
    cpSync(join(repo, 'skills'), join(pr.root, 'skills'), { recursive: true });
    cpSync(join(repo, 'pipelines', 'multi-agent-pipeline.yaml'), join(pr.root, 'pipelines', 'multi-agent-pipeline.yaml'));
    expect((await pr.miyabi(['up', '-l', 't.yaml', '--detach'])).exitCode).toBe(0);
    const r = await pr.miyabi(['run', 'multi-agent-pipeline', '--var', 'task=write the lexer', '--wait']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const runs = JSON.parse((await pr.miyabi(['runs', '--json'])).stdout) as { stages: { name: string; outcome: string }[] }[];
    expect(runs[0]?.stages.map((s) => `${s.name}:${s.outcome}`)).toEqual([
      // communicate starts beside the rest and stops when the run ends; recover waits for an error.
      'prepare:passed', 'target:passed', 'assign:passed', 'execute:passed', 'communicate:stopped', 'recover:skipped',
    ]);
    const got = readFileSync(join(pr.root, 'rec', 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { agent: string; what: string });
    expect(got.map((g) => g.agent)).toEqual(['a1']);
    expect(got[0]?.what).toContain('write the lexer');
  }, 60_000);
});
