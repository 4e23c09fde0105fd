import { afterEach, describe, expect, it } from 'vitest';
import { scanInbox } from '../../../src/bus/reader.js';
import { ActionError, RunInterrupted } from '../../../src/pipelines/action-error.js';
import { until } from '../../helpers/project.js';
import { openDoor, RUN, track, type Door } from './agent-port-fixture.js';

let door: Door;
afterEach(() => door?.close());

describe('agent door: task()', () => {
  it('queues a tagged task and resolves when the agent runs miyabi done', async () => {
    door = openDoor();
    const p = track(door.port.task('write the changelog', door.req({ stage: 'docs' })));
    const [t] = door.tasks.queue.queued();
    expect(t?.text).toContain(`run ${RUN}, stage docs`);
    expect(t?.text).toContain('write the changelog');
    expect(t?.labels).toEqual(['pipeline']);
    door.tasks.assign('a1', t!.id);
    expect(p.state).toBe('pending');
    door.tasks.done('a1', undefined); // what the `miyabi done` handler calls
    await until(() => p.state !== 'pending', 'the task result');
    expect(JSON.parse(p.value as string)).toEqual({ task: t!.id, agent: 'a1', state: 'done' });
    expect(door.records('pipeline.task')).toEqual([{ runId: RUN, stage: 'docs', task: t!.id, agent: null }]);
  });

  it('rejects, retryably, when the agent fails the task', async () => {
    door = openDoor();
    const p = door.port.task('impossible', door.req());
    const id = door.tasks.queue.queued()[0]!.id;
    door.tasks.assign('a2', id);
    door.tasks.done('a2', id, 'no such file');
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ActionError);
    expect((e as ActionError).message).toBe(`task ${id} failed (agent a2): no such file`);
    expect((e as ActionError).permanent).toBe(false);
  });

  it('cancels its task in the queue when the request aborts', async () => {
    door = openDoor();
    const ac = new AbortController();
    const p = door.port.task('slow work', door.req({ signal: ac.signal }));
    const id = door.tasks.queue.queued()[0]!.id;
    door.tasks.assign('a1', id);
    ac.abort('timed out after 50 ms');
    const e = (await p.catch((x: unknown) => x)) as ActionError;
    expect(e.message).toMatch(/cancelled in the queue \(agent a1\): timed out after 50 ms/);
    expect(e.permanent).toBe(false);
    expect(door.tasks.queue.get(id)?.state).toBe('cancelled');
  });

  it('rejects permanently when someone cancels the task outside the run', async () => {
    door = openDoor();
    const p = door.port.task('work', door.req());
    door.tasks.cancel(door.tasks.queue.queued()[0]!.id);
    await expect(p).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/cancelled outside the run/) });
  });

  it('pins the task to the agent the run was assigned', async () => {
    door = openDoor();
    await door.port.builtin('assign-agent', door.req({ inputs: { pane_id: '%2' } }));
    void door.port.task('follow-up', door.req()).catch(() => undefined);
    expect(door.tasks.queue.queued()[0]?.agent).toBe('a2');
  });
});

describe('agent door: targeting and assignment', () => {
  it('get-available-pane gives an idle agent pane and skips dead, busy and task-holding ones', async () => {
    door = openDoor(['a1', 'a2', 'a3', 'a4']);
    door.panes[0]!.alive = false;
    door.states.set('a2', { state: 'busy', reason: 'output 0 s ago' });
    const held = door.tasks.add({ text: 'held' });
    door.tasks.assign('a3', held.id);
    expect(await door.port.builtin('get-available-pane', door.req())).toBe('%4');
  });

  it('get-available-pane waits for an agent.state record saying an agent is idle', async () => {
    door = openDoor();
    door.states.set('a1', { state: 'busy' });
    door.states.set('a2', { state: 'busy' });
    const p = track(door.port.builtin('get-available-pane', door.req()));
    await until(() => door.listCalls >= 1, 'the first look at the agents');
    expect(p.state).toBe('pending');
    door.setState('a2', 'idle', 'quiet for 3 s');
    await until(() => p.state !== 'pending', 'a pane');
    expect(p.value).toBe('%2');
  });

  it('get-available-pane gives up with each agent\'s reason when the stage stops', async () => {
    door = openDoor();
    door.states.set('a1', { state: 'busy', reason: 'output 1 s ago' });
    door.panes[1]!.alive = false;
    const ac = new AbortController();
    const p = door.port.builtin('get-available-pane', door.req({ signal: ac.signal }));
    await until(() => door.listCalls >= 1, 'the first look at the agents');
    ac.abort('timed out after 100 ms');
    await expect(p).rejects.toThrow(/no idle agent before the stage stopped \(timed out after 100 ms\): a1 is busy \(output 1 s ago\); a2 is dead/);
  });

  it('get-available-pane fails at once, permanently, when the session has no agent panes', async () => {
    door = openDoor([]);
    await expect(door.port.builtin('get-available-pane', door.req())).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/no agent panes/) });
  });

  it('two runs never get the same pane: the second waits until the first lets go', async () => {
    door = openDoor(['a1']);
    expect(await door.port.builtin('get-available-pane', door.req({ runId: 'p-20260101-000000-aaaa' }))).toBe('%1');
    const second = track(door.port.builtin('get-available-pane', door.req({ runId: 'p-20260101-000000-bbbb' })));
    await until(() => door.listCalls >= 2, 'the second run looking');
    expect(second.state).toBe('pending');
    door.port.forgetRun('p-20260101-000000-aaaa');
    await until(() => second.state !== 'pending', 'the second run\'s pane');
    expect(second.value).toBe('%1');
  });

  it('assign-agent takes the agent owning pane_id and journals it; an unknown or dead pane is refused', async () => {
    door = openDoor();
    const inputs = { pane_id: '%2', worktree_path: '/tmp/wt/run-x' };
    expect(await door.port.builtin('assign-agent', door.req({ inputs }))).toBe('a2');
    expect(door.records('pipeline.assigned')).toEqual([{ runId: RUN, stage: 'stage', agent: 'a2', paneId: '%2', worktree: '/tmp/wt/run-x' }]);
    await expect(door.port.builtin('assign-agent', door.req({ inputs: { pane_id: '%9' } }))).rejects.toMatchObject({
      permanent: true, message: 'assign-agent: no agent owns pane %9 (agent panes: a1 %1, a2 %2)',
    });
    door.panes[0]!.alive = false;
    await expect(door.port.builtin('assign-agent', door.req({ inputs: { pane_id: '%1' } }))).rejects.toMatchObject({ permanent: false, message: expect.stringMatching(/a1 \(pane %1\) is dead/) });
  });

  it('notify-agent sends the run\'s agent a bus message naming the run and its worktree', async () => {
    door = openDoor();
    const path = await door.port.builtin('create-worktree', door.req());
    expect(path).toBe(`${door.dir}/wt/run-20261125-113815-ab12`);
    await door.port.builtin('assign-agent', door.req({ inputs: { pane_id: '%1', worktree_path: path } }));
    const out = await door.port.builtin('notify-agent', door.req({ inputs: { pane_id: '%1', worktree_path: path } }));
    const [m] = scanInbox(door.bus, 'a1').messages;
    expect(out).toBe(`message ${m!.id} to a1`);
    expect(m!.text).toContain(`run ${RUN}`);
    expect(m!.text).toContain(`Work in ${path} (branch miyabi/run-20261125-113815-ab12/work)`);
    expect(scanInbox(door.bus, 'a2').messages).toEqual([]);
  });

  it('notify-agent without an assigned agent fails permanently', async () => {
    door = openDoor();
    await expect(door.port.builtin('notify-agent', door.req())).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/has no agent yet/) });
  });
});

describe('agent door: execute', () => {
  it('start-in-pane hands a queued task to the run\'s agent; report-progress follows it to the end', async () => {
    door = openDoor();
    door.tasks.add({ text: 'added by a pipeline', labels: ['pipeline'] });
    const user = door.tasks.add({ text: 'fix the login page' });
    await door.port.builtin('assign-agent', door.req({ inputs: { pane_id: '%1' } }));
    const start = track(door.port.builtin('start-in-pane', door.req({ stage: 'execute' })));
    const progress = track(door.port.builtin('report-progress', door.req({ stage: 'execute' })));
    expect(door.tasks.queue.get(user.id)).toMatchObject({ state: 'started', assignee: 'a1' });
    expect(scanInbox(door.bus, 'a1').messages.map((m) => m.text)).toEqual([expect.stringContaining(`task ${user.id}: fix the login page`)]);
    door.setState('a1', 'busy', 'output 0 s ago');
    await until(() => door.records('pipeline.progress').some((p) => p['agentState'] === 'busy'), 'a progress record for the busy agent');
    door.tasks.done('a1', undefined);
    await until(() => start.state !== 'pending' && progress.state !== 'pending', 'the stage');
    expect(JSON.parse(start.value as string)).toEqual({ task: user.id, agent: 'a1', state: 'done' });
    expect(progress.value).toMatch(new RegExp(`^run ${RUN}: agent a1 busy \\(output 0 s ago\\), task ${user.id} done`));
    // The agent is free for other runs again.
    door.setState('a1', 'idle', 'done');
    expect(await door.port.builtin('get-available-pane', door.req({ runId: 'other-20260101-000000-cccc' }))).toBe('%1');
  });

  it('start-in-pane follows the task the router already handed the agent', async () => {
    door = openDoor();
    await door.port.builtin('assign-agent', door.req({ inputs: { pane_id: '%2' } }));
    const routed = door.tasks.add({ text: 'routed first' });
    door.tasks.assign('a2', routed.id);
    const start = door.port.builtin('start-in-pane', door.req());
    door.tasks.done('a2', routed.id);
    expect(JSON.parse(await start)).toMatchObject({ task: routed.id, state: 'done' });
  });

  it('a run interrupted while its agent works: the task stays with the agent, and the resumed stage follows it', async () => {
    door = openDoor();
    await door.port.builtin('assign-agent', door.req({ inputs: { pane_id: '%1' } }));
    const stop = new AbortController();
    const first = door.port.task('write the tests', door.req({ signal: stop.signal }));
    const queued = door.tasks.queue.list().find((x) => x.text.endsWith('write the tests'))!;
    stop.abort(new RunInterrupted('the controller stopped'));
    await expect(first).rejects.toThrow();
    expect(door.tasks.queue.get(queued.id)?.state).not.toBe('cancelled');
    const again = door.reopen();
    again.adoptRun(RUN, 1);
    const resumed = again.task('write the tests', door.req());
    door.tasks.assign('a1', queued.id);
    door.tasks.done(undefined, queued.id);
    expect(JSON.parse(await resumed)).toMatchObject({ task: queued.id, state: 'done' });
    expect(door.tasks.queue.list().filter((x) => x.text.endsWith('write the tests'))).toHaveLength(1);
  });

  it('start-in-pane with nothing to start fails permanently', async () => {
    door = openDoor();
    await door.port.builtin('assign-agent', door.req({ inputs: { pane_id: '%1' } }));
    door.tasks.add({ text: 'for someone else', agent: 'a2' });
    await expect(door.port.builtin('start-in-pane', door.req())).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/nothing to start for a1/) });
  });

  it('a restarted door reads the run\'s agent back from the journal', async () => {
    door = openDoor();
    await door.port.builtin('assign-agent', door.req({ inputs: { pane_id: '%2' } }));
    const t = door.tasks.add({ text: 'after the restart' });
    const again = door.reopen();
    // The new controller takes the run over from its first record (RunsHost.recover does this).
    again.adoptRun(RUN, 1);
    const start = again.builtin('start-in-pane', door.req());
    expect(door.tasks.queue.get(t.id)?.assignee).toBe('a2');
    door.tasks.done('a2', t.id);
    expect(JSON.parse(await start)).toMatchObject({ agent: 'a2' });
  });
});
