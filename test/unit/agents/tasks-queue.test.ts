import { describe, expect, it } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { TASK_ID_PATTERN, TaskQueue, foldTasks, nextTaskId } from '../../../src/agents/tasks/index.js';
import { input, Live } from './tasks-helpers.js';


function err(fn: () => unknown): MiyabiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MiyabiError) return e;
    throw e;
  }
  throw new Error('expected a MiyabiError');
}

describe('task ids', () => {
  it('sort by time then sequence, and never go back when the clock does', () => {
    const a = nextTaskId(null, 1_760_000_000_123);
    expect(a).toBe('t1760000000123-0000');
    expect(a).toMatch(TASK_ID_PATTERN);
    const b = nextTaskId(a, 1_760_000_000_123);
    const c = nextTaskId(b, 1_750_000_000_000); // clock stepped back
    const d = nextTaskId(c, 1_760_000_000_500);
    expect([a, b, c, d]).toEqual(['t1760000000123-0000', 't1760000000123-0001', 't1760000000123-0002', 't1760000000500-0000']);
    expect(nextTaskId('t1760000000123-9999', 0)).toBe('t1760000000124-0000');
  });

  it('are unique across a burst within one millisecond', () => {
    const live = new Live();
    const ids = Array.from({ length: 50 }, (_, i) => live.add(`task ${i}`));
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('TaskQueue', () => {
  it('commands return records and never change the queue themselves', () => {
    const q = new TaskQueue();
    const ev = q.add(input('fix the login', { priority: 'high', labels: ['bug'], timeoutMs: 60_000, agent: 'a1' }), 1_760_000_000_000);
    expect(ev).toEqual({
      type: 'task.added',
      payload: { id: 't1760000000000-0000', text: 'fix the login', agent: 'a1', priority: 'high', labels: ['bug'], timeoutMs: 60_000 },
    });
    expect(q.list()).toEqual([]);
    q.apply({ ...ev, ts: 5 });
    expect(q.get(ev.payload.id)).toMatchObject({ state: 'queued', agent: 'a1', addedAt: 5, assignee: null });
  });

  it('records a task\'s agent, branch, worktree and times through its life', () => {
    const live = new Live();
    const id = live.add('write tests');
    live.now += 10;
    live.emit(live.queue.assign(id, 'a2', { branch: 'miyabi/a2/' + id, worktree: '/wt/a2' }));
    live.now += 10;
    live.emit(live.queue.start(id));
    expect(live.queue.activeFor('a2')?.id).toBe(id);
    live.now += 10;
    live.emit(live.queue.done(id));
    expect(live.queue.get(id)).toMatchObject({
      state: 'done', assignee: 'a2', branch: `miyabi/a2/${id}`, worktree: '/wt/a2',
      addedAt: 1_760_000_000_000, assignedAt: 1_760_000_000_010, startedAt: 1_760_000_000_020, endedAt: 1_760_000_000_030,
    });
    expect(live.queue.activeFor('a2')).toBeUndefined();
  });

  it('refuses transitions that do not fit, with clear errors', () => {
    const live = new Live();
    const id = live.add('x');
    expect(err(() => live.queue.done(id)).message).toBe(`task ${id} is queued: only a task that is assigned or started can be done`);
    expect(err(() => live.queue.start(id)).code).toBe('USAGE');
    expect(err(() => live.queue.done('t0000000000000-0000')).code).toBe('NOT_FOUND');
    expect(err(() => live.queue.assign(id, 'a:b')).code).toBe('NAME');
    live.emit(live.queue.assign(id, 'a1'));
    expect(err(() => live.queue.assign(id, 'a2')).message).toMatch(/is assigned: only a task that is queued can be assigned/);
    const other = live.add('y');
    const e = err(() => live.queue.assign(other, 'a1'));
    expect(e.message).toBe(`assign: agent a1 already has task ${id} (assigned)`);
    live.emit(live.queue.fail(id, 'tests red'));
    expect(live.queue.get(id)).toMatchObject({ state: 'failed', reason: 'tests red' });
    expect(err(() => live.queue.cancel(id)).code).toBe('USAGE');
    live.emit(live.queue.assign(other, 'a1')); // free again
  });

  it('cancels a queued, an assigned and a started task, and frees the agent', () => {
    const live = new Live();
    const [q, a, s] = [live.add('queued'), live.add('assigned'), live.add('started')];
    live.emit(live.queue.assign(a, 'a1'));
    live.emit(live.queue.assign(s, 'a2'));
    live.emit(live.queue.start(s));
    live.emit(live.queue.cancel(q));
    live.emit(live.queue.cancel(a, 'not needed'));
    live.emit(live.queue.cancel(s));
    expect(live.queue.list().map((t) => [t.state, t.reason])).toEqual([['cancelled', null], ['cancelled', 'not needed'], ['cancelled', null]]);
    expect(live.queue.busyAgents().size).toBe(0);
    expect(live.queue.queued()).toEqual([]);
    // A late signal from the agent changes nothing.
    live.emit({ type: 'task.done', payload: { id: s } });
    expect(live.queue.get(s)?.state).toBe('cancelled');
    expect(live.queue.ignored.at(-1)).toBe(`task.done ${s}: task is cancelled`);
  });

  it('queues by priority, then age', () => {
    const live = new Live();
    const low = live.add('low', { priority: 'low' });
    live.now++;
    const n1 = live.add('n1');
    const h = live.add('h', { priority: 'high' });
    live.now++;
    const n2 = live.add('n2');
    expect(live.queue.queued().map((t) => t.id)).toEqual([h, n1, n2, low]);
  });
});

describe('foldTasks', () => {
  /** A session with every kind of record, other journal traffic and odd records in between. */
  function session(): Live {
    const live = new Live();
    const ids = Array.from({ length: 6 }, (_, i) => live.add(`task ${i}`, { priority: i % 3 === 0 ? 'high' : 'normal', timeoutMs: 1000 }));
    live.other();
    ids.slice(0, 4).forEach((id, i) => live.emit(live.queue.assign(id, `a${i + 1}`, { branch: `b${i}` })));
    live.now += 100;
    ids.slice(0, 4).forEach((id) => live.emit(live.queue.start(id)));
    live.other('message.delivered');
    live.emit(live.queue.done(ids[0]!));
    live.emit(live.queue.fail(ids[1]!, 'exit 1'));
    live.now += 2000;
    live.emit(live.queue.timeOut(ids[2]!));
    live.emit(live.queue.cancel(ids[3]!));
    live.emit(live.queue.assign(ids[4]!, 'a1'));
    live.emit({ type: 'task.started', payload: { id: 'nope' } }); // skipped, still deterministic
    live.emit({ type: 'task.added', payload: { id: 'bad' } });
    return live;
  }

  it('gives the same queue from the same records, however often', () => {
    const live = session();
    const a = foldTasks(live.records);
    const b = foldTasks(JSON.parse(JSON.stringify(live.records)) as typeof live.records);
    expect(a.snapshot()).toEqual(live.queue.snapshot());
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(a.ignored).toEqual(live.queue.ignored);
    expect(a.list().map((t) => t.state)).toEqual(['done', 'failed', 'timed-out', 'cancelled', 'assigned', 'queued']);
  });

  it('a restart at any point of the stream loses nothing and applies nothing twice', () => {
    const live = session();
    const full = foldTasks(live.records).snapshot();
    for (let k = 0; k <= live.records.length; k++) {
      const prefix = live.records.slice(0, k);
      // The controller restarts after record k: replay, then carry on with the rest.
      const restarted = foldTasks(prefix);
      expect(restarted.snapshot()).toEqual(foldTasks(prefix).snapshot());
      for (const r of live.records.slice(k)) restarted.apply(r);
      expect(restarted.snapshot()).toEqual(full);
      // From a snapshot taken at k, then the whole journal again: seen records are skipped.
      const fromSnap = foldTasks(live.records, foldTasks(prefix).snapshot());
      expect(fromSnap.snapshot()).toEqual(full);
    }
  });

  it('new ids after a restart still come after the old ones', () => {
    const live = session();
    const q = foldTasks(live.records);
    const ev = q.add(input('after restart'), 0);
    expect(ev.payload.id > live.queue.lastId!).toBe(true);
  });

  it('ignores records that are not task records and never throws on odd ones', () => {
    const q = foldTasks([
      { type: 'agent.idle', payload: { id: 'x' } },
      { type: 'task.added', payload: null },
      { type: 'task.added', payload: { id: 't1', text: 'ok', priority: 'urgent', labels: [] } },
      { type: 'task.added', payload: { id: 't2', text: 'ok', priority: 'low' } },
      { type: 'task.added', payload: { id: 't2', text: 'again', priority: 'low' } },
      { type: 'toString', payload: {} },
    ]);
    expect(q.list().map((t) => [t.id, t.text, t.labels, t.timeoutMs])).toEqual([['t2', 'ok', [], null]]);
    expect(q.ignored).toHaveLength(3);
    expect(q.ignored[2]).toBe('task.added t2: id already used');
  });
});
