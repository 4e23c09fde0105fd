/**
 * The controller's agent door on real parts: a git repository, a private tmux server with agents
 * spawned by AgentsHost, their states decided by AgentStates from real pane captures, the journal,
 * the task queue and the bus on disk. The test drives the sweep (AgentStates.tick) itself, as the
 * controller's sweep would, and plays `miyabi done` by calling what its IPC handler calls.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureInbox } from '../../../src/bus/layout.js';
import { scanInbox } from '../../../src/bus/reader.js';
import { AgentStates } from '../../../src/agents/agent-states.js';
import { AgentsHost } from '../../../src/agents/agents-host.js';
import { agentDoor } from '../../../src/agents/door/door.js';
import type { AgentDoor } from '../../../src/agents/door/types.js';
import { gitWorktrees } from '../../../src/controller/parts/worktrees.js';
import { worktreePort } from '../../../src/git/worktree-port.js';
import { TasksHost } from '../../../src/agents/tasks-host.js';
import { Journal } from '../../../src/core/journal.js';
import { projectPaths } from '../../../src/core/paths.js';
import { trustState } from '../../../src/core/state-trust.js';
import type { AgentRequest } from '../../../src/pipelines/agent-port.js';
import type { Tmux } from '../../../src/tmux/index.js';
import { until } from '../../helpers/project.js';
import { makeRepo, type TestRepo } from '../git/repo.js';
import { fixture, type Fixture } from '../tmux/fixture.js';

const RUN = 'multi-agent-pipeline-20261125-113815-ab12';

interface World {
  repo: TestRepo;
  f: Fixture;
  tmux: Tmux;
  journal: Journal;
  tasks: TasksHost;
  agents: AgentsHost;
  states: AgentStates;
  bus: string;
  port(): AgentDoor;
  sweep(): Promise<void>;
  req(stage: string, inputs?: Record<string, string>): AgentRequest;
}

let w: World;

beforeEach(async () => {
  const repo = makeRepo();
  const f = fixture();
  const tmux = f.tmux();
  f.t.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 's', '-n', 'main', '-x', '160', '-y', '48', 'sleep 600');
  const journal = Journal.open(f.dir);
  // As the controller does before anything else: .miyabi/ made with its owner token.
  trustState(repo.repo, { create: true });
  const paths = projectPaths(repo.repo);
  const bus = join(f.dir, 'bus');
  const agents = new AgentsHost({
    paths, session: 's', window: 'main', tmux, messaging: () => undefined, journal,
    spec: { root: repo.repo, tmuxSocket: f.t.socket, ipcSocket: paths.socket, baseEnv: process.env },
    worktrees: worktreePort(repo.repo, { root: repo.root }), changed: () => undefined,
  });
  // A profile that trusts the prompt at once: no start-up grace to wait out.
  const profile = join(f.dir, 'door.json');
  writeFileSync(profile, JSON.stringify({ name: 'door', otherwise: 'busy', timings: { startupGraceMs: 0 }, patterns: { ready: ['ready> ?$'] } }));
  const states = new AgentStates({
    capture: async (id) => (await tmux.pane(id).run('capture-pane', ['-p'])).join('\n'),
    activity: () => null, command: () => 'sh', profileFile: () => profile, journal,
  });
  const tasks = new TasksHost({ journal, busDir: () => bus, agents: async () => [], whereIs: () => ({ branch: null, worktree: null }) });
  w = {
    repo, f, tmux, journal, tasks, agents, states, bus,
    port: () => agentDoor({
      journal, tasks, agents, stateOf: (n) => states.get(n), busDir: () => bus,
      respawn: async (id, o) => void (await tmux.pane(id).run('respawn-pane', o.kill ? ['-k'] : [])),
      worktree: gitWorktrees(repo.repo, { root: repo.root }),
    }),
    sweep: async () => states.tick(await tmux.listPanes('s')),
    req: (stage, inputs = {}) => ({ runId: RUN, pipeline: 'multi-agent-pipeline', stage, inputs, cwd: repo.repo, signal: new AbortController().signal }),
  };
});

afterEach(async () => {
  w.journal.close();
  await w.f.reap();
  w.repo.cleanup();
});

const records = (type: string) => [...w.journal.replay()].filter((r) => r.type === type).map((r) => r.payload as Record<string, unknown>);

describe('agent door on a real session', () => {
  it('create-worktree makes a git worktree for the run, and gives the same one again after a restart', async () => {
    const path = await w.port().builtin('create-worktree', w.req('prepare'));
    expect(path).toBe(join(w.repo.root, 'run-20261125-113815-ab12'));
    expect(w.repo.git(['rev-parse', '--abbrev-ref', 'HEAD'], path).trim()).toBe('miyabi/run-20261125-113815-ab12/multi-agent-pipeline');
    expect(await w.port().builtin('create-worktree', w.req('prepare'))).toBe(path);
    expect(records('pipeline.worktree').map((r) => r['reused'])).toEqual([false, true]);
    expect(w.repo.git(['worktree', 'list', '--porcelain']).split('\n').filter((l) => l === `worktree ${path}`)).toHaveLength(1);
  });

  it('create-worktree fails permanently outside a git repository', async () => {
    const port = agentDoor({
      journal: w.journal, tasks: w.tasks, agents: w.agents, stateOf: () => undefined, busDir: () => null,
      respawn: async () => undefined, worktree: gitWorktrees(w.f.dir, {}),
    });
    await expect(port.builtin('create-worktree', w.req('prepare'))).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/create-worktree: no worktree run-20261125-113815-ab12/) });
  });

  it('runs the multi-agent stages: target, assign, notify, execute, then recovers a dead agent', async () => {
    const marker = join(w.f.dir, 'a2-ran-once');
    await w.agents.spawn({ name: 'a1', command: "printf 'ready> '; exec sleep 600", worktree: false });
    // a2 is killed once (as a crash would); started again, it finds its marker and stays up.
    await w.agents.spawn({ name: 'a2', command: `[ -e ${marker} ] && exec sleep 600; touch ${marker}; exec sleep 600`, worktree: false });
    for (const a of ['a1', 'a2']) ensureInbox(w.bus, a);
    const first = await until(async () => (await w.tmux.listPanes('s')).find((p) => p.agent === 'a2' && p.currentCommand === 'sleep'), 'a2 up');
    process.kill(first.pid, 'SIGKILL');
    await until(async () => {
      await w.sweep();
      return w.states.get('a1')?.state === 'idle' && w.states.get('a2')?.state === 'dead';
    }, 'a1 idle and a2 dead');
    const port = w.port();
    const a1Pane = (await w.agents.list()).find((a) => a.name === 'a1')!.paneId;

    const worktree = await port.builtin('create-worktree', w.req('prepare'));
    const pane = await port.builtin('get-available-pane', w.req('target'));
    expect(pane).toBe(a1Pane);
    expect(await port.builtin('assign-agent', w.req('assign', { worktree_path: worktree, pane_id: pane }))).toBe('a1');
    await port.builtin('notify-agent', w.req('assign', { worktree_path: worktree, pane_id: pane }));
    expect(scanInbox(w.bus, 'a1').messages.map((m) => m.text)).toEqual([expect.stringContaining(`Work in ${worktree}`)]);

    const job = w.tasks.add({ text: 'write the release notes' });
    const start = port.builtin('start-in-pane', w.req('execute'));
    const progress = port.builtin('report-progress', w.req('execute'));
    expect(w.tasks.queue.get(job.id)).toMatchObject({ state: 'started', assignee: 'a1' });
    expect(scanInbox(w.bus, 'a1').messages.map((m) => m.text)).toContainEqual(expect.stringContaining(`task ${job.id}: write the release notes`));
    w.states.done('a1');
    w.tasks.done('a1', undefined);
    expect(JSON.parse(await start)).toEqual({ task: job.id, agent: 'a1', state: 'done' });
    expect(await progress).toContain(`task ${job.id} done`);

    const damage = JSON.parse(await port.builtin('assess-damage', w.req('recover')));
    expect(damage.damaged).toEqual([expect.objectContaining({ name: 'a2', state: 'dead', reason: expect.stringMatching(/^pane's process exited/) })]);
    const restored = await port.builtin('restore-agent', w.req('recover'));
    expect(restored).toMatch(/^restored a2 \(was dead: pane's process exited .*\) with respawn-pane of pane %\d+$/);
    // The pane runs its own command again (its launch script): this time it stays up.
    const again = await until(async () => (await w.tmux.listPanes('s')).find((p) => p.agent === 'a2' && !p.dead && p.currentCommand === 'sleep'), 'a2 running again');
    expect(again.pid).not.toBe(first.pid);
    expect(existsSync(marker)).toBe(true);
    expect(records('pipeline.agent-restored')).toEqual([expect.objectContaining({ runId: RUN, agent: 'a2', how: 'respawn-pane' })]);
    expect(await port.builtin('restore-agent', w.req('recover'))).toBe('nothing to restore: 2 agent(s), none dead or unresponsive');
  });
});
