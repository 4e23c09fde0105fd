import { describe, expect, it } from 'vitest';
import { type RouterAgent, expired, foldTasks, nextAssignments, nextDeadline, rankFreeAgents } from '../../../src/agents/tasks/index.js';
import { input, Live } from './tasks-helpers.js';


function agent(name: string, over: Partial<RouterAgent> = {}): RouterAgent {
  return { name, state: 'idle', lastBusyAt: null, recentSuccess: null, ...over };
}

describe('six queued tasks flow to idle agents', () => {
  it('only idle agents, never two at once to one agent, each ends as signalled', () => {
    const live = new Live();
    // What each task's agent will signal, and after how many ticks; 'silent' never signals.
    const script = [
      { outcome: 'done', after: 2 }, { outcome: 'failed', after: 1 }, { outcome: 'silent', after: 0 },
      { outcome: 'done', after: 3 }, { outcome: 'failed', after: 2 }, { outcome: 'done', after: 1 },
    ] as const;
    const ids = script.map((_, i) => live.add(`task ${i}`, { timeoutMs: 5_000 }));
    const plan = new Map(ids.map((id, i) => [id, script[i]!]));
    // Four agents; a4 is still starting for the first ticks, a3 waits for input at first.
    const agents = new Map<string, RouterAgent>(['a1', 'a2', 'a3', 'a4'].map((n) => [n, agent(n)]));
    agents.get('a4')!.state = 'starting';
    agents.get('a3')!.state = 'waiting-for-input';
    const ticksOn = new Map<string, number>();
    const handedTo = new Map<string, string[]>();

    for (let tick = 0; tick < 40 && live.queue.list().some((t) => t.state !== 'done' && t.state !== 'failed' && t.state !== 'timed-out'); tick++) {
      live.now += 1_000;
      if (tick === 2) agents.get('a4')!.state = 'idle';
      if (tick === 4) agents.get('a3')!.state = 'idle';
      // The agents' signals.
      for (const t of live.queue.list().filter((x) => x.state === 'started')) {
        const p = plan.get(t.id)!;
        const n = (ticksOn.get(t.id) ?? 0) + 1;
        ticksOn.set(t.id, n);
        if (p.outcome === 'silent' || n < p.after) continue;
        live.emit(p.outcome === 'done' ? live.queue.done(t.id) : live.queue.fail(t.id, 'exit 1'));
        const a = agents.get(t.assignee!)!;
        a.state = 'idle';
        a.lastBusyAt = live.now;
      }
      for (const t of expired(live.queue, live.now)) {
        live.emit(live.queue.timeOut(t.id));
        agents.get(t.assignee!)!.state = 'idle';
      }
      // The router.
      const view = [...agents.values()];
      const out = nextAssignments(live.queue, view, live.now);
      expect(new Set(out.map((o) => o.agent)).size).toBe(out.length);
      for (const { taskId, agent: name } of out) {
        expect(agents.get(name)!.state).toBe('idle');
        expect(live.queue.activeFor(name)).toBeUndefined();
        live.emit(live.queue.assign(taskId, name, { branch: `miyabi/${name}/${taskId}` }));
        live.emit(live.queue.start(taskId));
        agents.get(name)!.state = 'busy';
        handedTo.set(name, [...(handedTo.get(name) ?? []), taskId]);
      }
      // Never two open tasks on one agent.
      const active = live.queue.list().filter((t) => t.state === 'assigned' || t.state === 'started');
      expect(new Set(active.map((t) => t.assignee)).size).toBe(active.length);
    }

    const end = live.queue.list();
    expect(end.map((t) => t.state)).toEqual(['done', 'failed', 'timed-out', 'done', 'failed', 'done']);
    expect(end.every((t) => t.assignee !== null && t.branch === `miyabi/${t.assignee}/${t.id}`)).toBe(true);
    expect(handedTo.get('a4')?.length).toBeGreaterThan(0); // once idle, it took work
    // The journal alone gives the same queue.
    expect(foldTasks(live.records).snapshot()).toEqual(live.queue.snapshot());
  });
});

describe('nextAssignments', () => {
  it('hands nothing to busy, starting, waiting, rate-limited or dead agents', () => {
    const live = new Live();
    live.add('x');
    const states = ['busy', 'starting', 'waiting-for-input', 'rate-limited', 'unresponsive', 'dead'];
    expect(nextAssignments(live.queue, states.map((s, i) => agent(`a${i}`, { state: s })), live.now)).toEqual([]);
  });

  it('skips an idle agent that still holds a task, and one listed twice gets one task', () => {
    const live = new Live();
    const a = live.add('a');
    live.emit(live.queue.assign(a, 'a1'));
    const [b, c] = [live.add('b'), live.add('c')];
    expect(nextAssignments(live.queue, [agent('a1'), agent('a2'), agent('a2')], live.now)).toEqual([{ taskId: b, agent: 'a2' }]);
    expect(c).toBeDefined();
  });

  it('goes by priority, then age', () => {
    const live = new Live();
    const low = live.add('low', { priority: 'low' });
    live.now++;
    const old = live.add('old');
    live.now++;
    const hi = live.add('hi', { priority: 'high' });
    const young = live.add('young');
    const out = nextAssignments(live.queue, [agent('a1'), agent('a2'), agent('a3')], live.now);
    expect(out.map((o) => o.taskId)).toEqual([hi, old, young]);
    expect(out.map((o) => o.taskId)).not.toContain(low);
  });

  it('a pinned task waits for its agent and does not hold up the others', () => {
    const live = new Live();
    const pinned = live.add('only a1', { agent: 'a1', priority: 'high' });
    const free = live.add('anyone');
    const busyA1 = [agent('a1', { state: 'busy' }), agent('a2')];
    expect(nextAssignments(live.queue, busyA1, live.now)).toEqual([{ taskId: free, agent: 'a2' }]);
    live.emit(live.queue.assign(free, 'a2'));
    expect(nextAssignments(live.queue, [agent('a1', { state: 'busy' }), agent('a3')], live.now)).toEqual([]);
    expect(nextAssignments(live.queue, [agent('a1'), agent('a3')], live.now)).toEqual([{ taskId: pinned, agent: 'a1' }]);
  });

  it('an unpinned task leaves the agent a pinned task waits for, when another is free', () => {
    const live = new Live();
    const first = live.add('anyone', { priority: 'high' });
    const pinned = live.add('only a1', { agent: 'a1' });
    // a1 is the least recently busy, but the pinned task behind needs it.
    const agents = [agent('a1', { lastBusyAt: 1 }), agent('a2', { lastBusyAt: 2 })];
    expect(nextAssignments(live.queue, agents, live.now)).toEqual([{ taskId: first, agent: 'a2' }, { taskId: pinned, agent: 'a1' }]);
    // With a1 the only free agent, priority decides: the pinned task waits.
    expect(nextAssignments(live.queue, [agents[0]!], live.now)).toEqual([{ taskId: first, agent: 'a1' }]);
  });

  it('least recently busy first; never busy before all', () => {
    const live = new Live();
    const [t1, t2, t3] = [live.add('1'), live.add('2'), live.add('3')];
    const agents = [agent('a1', { lastBusyAt: 300 }), agent('a2', { lastBusyAt: 100 }), agent('a3')];
    expect(nextAssignments(live.queue, agents, live.now)).toEqual([
      { taskId: t1, agent: 'a3' }, { taskId: t2, agent: 'a2' }, { taskId: t3, agent: 'a1' },
    ]);
  });

  it('a better recent success rate wins a tie; unknown counts as 0.5; then the name', () => {
    const live = new Live();
    const t = live.add('1');
    const tie = (s: (number | null)[]) => s.map((r, i) => agent(`a${i + 1}`, { lastBusyAt: 500, recentSuccess: r }));
    expect(nextAssignments(live.queue, tie([0.4, 0.9, 0.7]), live.now)).toEqual([{ taskId: t, agent: 'a2' }]);
    expect(nextAssignments(live.queue, tie([0.4, null]), live.now)).toEqual([{ taskId: t, agent: 'a2' }]);
    expect(nextAssignments(live.queue, tie([0.6, null]), live.now)).toEqual([{ taskId: t, agent: 'a1' }]);
    expect(rankFreeAgents(live.queue, tie([0.5, 0.5, null]).reverse(), live.now).map((a) => a.name)).toEqual(['a1', 'a2', 'a3']);
    // No tie: recency beats a better rate.
    const agents = [agent('a1', { lastBusyAt: 100, recentSuccess: 0.1 }), agent('a2', { lastBusyAt: 200, recentSuccess: 1 })];
    expect(nextAssignments(live.queue, agents, live.now)).toEqual([{ taskId: t, agent: 'a1' }]);
  });

  it('on equal recency and success, the agent with shorter recent tasks wins; an unmeasured one comes after', () => {
    const live = new Live();
    const t = live.add('1');
    const tie = (ms: (number | null)[]) => ms.map((m, i) => agent(`a${i + 1}`, { lastBusyAt: 500, recentSuccess: 0.8, recentMs: m }));
    expect(nextAssignments(live.queue, tie([9000, 3000]), live.now)).toEqual([{ taskId: t, agent: 'a2' }]);
    expect(nextAssignments(live.queue, tie([null, 3000]), live.now)).toEqual([{ taskId: t, agent: 'a2' }]);
    // Success still comes before speed.
    const agents = [agent('a1', { lastBusyAt: 500, recentSuccess: 0.9, recentMs: 9000 }), agent('a2', { lastBusyAt: 500, recentSuccess: 0.5, recentMs: 10 })];
    expect(nextAssignments(live.queue, agents, live.now)).toEqual([{ taskId: t, agent: 'a1' }]);
  });

  it('a labelled task goes to the agent that does best on that label, among those tied on recency', () => {
    const live = new Live();
    const ui = live.add('ui', { labels: ['ui'] });
    const plain = live.add('plain');
    const agents = [
      agent('a1', { lastBusyAt: 500, recentSuccess: 0.9, labelSuccess: { ui: 0.2 } }),
      agent('a2', { lastBusyAt: 500, recentSuccess: 0.6, labelSuccess: { ui: 1 } }),
    ];
    expect(nextAssignments(live.queue, agents, live.now)).toEqual([{ taskId: ui, agent: 'a2' }, { taskId: plain, agent: 'a1' }]);
  });

  it('routes nothing that is cancelled, and is the same after a replay', () => {
    const live = new Live();
    const [a, b] = [live.add('a'), live.add('b')];
    live.emit(live.queue.cancel(a));
    const agents = [agent('a1'), agent('a2')];
    expect(nextAssignments(live.queue, agents, live.now)).toEqual([{ taskId: b, agent: 'a1' }]);
    expect(nextAssignments(foldTasks(live.records), agents, live.now)).toEqual(nextAssignments(live.queue, agents, live.now));
  });
});

describe('expired', () => {
  it('lists started tasks at or past their timeout, earliest first', () => {
    const live = new Live();
    const t0 = live.now;
    const [long, short, none, waiting] = [
      live.add('long', { timeoutMs: 10_000 }), live.add('short', { timeoutMs: 2_000 }), live.add('none'), live.add('waiting', { timeoutMs: 1 }),
    ];
    ['a1', 'a2', 'a3'].forEach((n, i) => live.emit(live.queue.assign([long, short, none][i]!, n)));
    live.emit(live.queue.assign(waiting, 'a4')); // assigned, never started: not timed
    [long, short, none].forEach((id) => live.emit(live.queue.start(id)));
    expect(expired(live.queue, t0 + 1_999)).toEqual([]);
    expect(nextDeadline(live.queue, t0 + 1_999)).toBe(t0 + 2_000);
    expect(expired(live.queue, t0 + 2_000).map((t) => t.id)).toEqual([short]);
    expect(expired(live.queue, t0 + 99_999).map((t) => t.id)).toEqual([short, long]);
    live.emit(live.queue.timeOut(short));
    expect(live.queue.get(short)).toMatchObject({ state: 'timed-out', reason: 'no done signal within 2000 ms' });
    expect(expired(live.queue, t0 + 99_999).map((t) => t.id)).toEqual([long]);
    expect(nextDeadline(live.queue, t0 + 99_999)).toBeNull();
  });
});
