import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureInbox } from '../../../src/bus/layout.js';
import { Journal } from '../../../src/core/journal.js';
import { TasksHost } from '../../../src/controller/tasks-host.js';

let root = '';
let journal: Journal;
let host: TasksHost;
const bus = () => join(root, 'bus');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'miyabi-tasks-host-'));
  ensureInbox(bus(), 'a1');
  journal = Journal.open(join(root, 'state'));
  // No idle agents: the router hands nothing over by itself, only `assign` does.
  host = new TasksHost({ journal, busDir: bus, agents: async () => [], whereIs: () => ({ branch: null, worktree: null }) });
});
afterEach(() => {
  journal.close();
  rmSync(root, { recursive: true, force: true });
});

const types = () => [...journal.replay()].map((r) => r.type);

describe('TasksHost validates first, journals second', () => {
  it('assign to an unknown agent is refused (NOT_FOUND, exit 2) and journals nothing: the task stays queued', () => {
    const t = host.add({ text: 'build it' });
    expect(() => host.assign('agent-9', t.id)).toThrow(/unknown recipient "agent-9"; known: a1/);
    expect(types()).toEqual(['task.added']);
    expect(host.queue.get(t.id)?.state).toBe('queued');
    // …so it can still go to a real agent.
    expect(host.assign('a1', t.id).state).toBe('started');
    expect(types()).toEqual(['task.added', 'task.assigned', 'task.started']);
  });

  it('task add pinned to an unknown agent is refused before task.added', () => {
    expect(() => host.add({ text: 'x', agent: 'agent-9' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringMatching(/unknown recipient "agent-9"/) }));
    expect(types()).toEqual([]);
    expect(host.queue.list()).toEqual([]);
    expect(host.add({ text: 'x', agent: 'a1' }).agent).toBe('a1');
  });

  it('done and cancel of an unknown task journal nothing', () => {
    expect(() => host.done(undefined, 'T-nope')).toThrow(/no task T-nope/);
    expect(() => host.done('a1', undefined)).toThrow(/has no task in hand/);
    expect(() => host.cancel('T-nope')).toThrow(/no task/);
    expect(types()).toEqual([]);
  });
});
