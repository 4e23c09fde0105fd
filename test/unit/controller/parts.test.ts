import { describe, expect, it } from 'vitest';
import { controllerParts } from '../../../src/controller/parts/index.js';
import type { Part, PartContext, PartName, Provided } from '../../../src/controller/parts/part.js';
import { orderProblem, Parts } from '../../../src/controller/parts/parts.js';
import { stopSteps } from '../../../src/controller/log.js';
import type { SessionLayout } from '../../../src/config/layout-types.js';
import type { ProjectPaths } from '../../../src/core/paths.js';
import type { Impls } from '../../../src/ipc/handlers.js';
import { messages } from '../../../src/ipc/messages/index.js';
import type { PaneInfo } from '../../../src/tmux/port.js';

const ctx = {} as PartContext;

/** A part that records what happens to it in `seen`; `gives` are placeholders (only presence counts). */
function fake(name: string, seen: string[], o: { needs?: PartName[]; gives?: PartName[]; failStop?: boolean; failPanes?: boolean; answers?: Partial<Impls> } = {}): Part {
  return {
    name,
    needs: o.needs ?? [],
    gives: o.gives ?? [],
    start: (_c, got) => {
      seen.push(`start ${name} with ${Object.keys(got).sort().join(',') || '-'}`);
      return {
        gives: Object.fromEntries((o.gives ?? []).map((g) => [g, { from: name }])) as Partial<Provided>,
        handlers: o.answers ?? {},
        onPanes: (panes) => {
          seen.push(`panes ${name} ${panes.length}`);
          if (o.failPanes) throw new Error(`${name} panes broke`);
        },
        snapshot: () => (name === 'a' ? { inflight: [['m1', null]] } : { agents: [] }),
        stop: (reason) => {
          seen.push(`stop ${name} (${reason})`);
          if (o.failStop) throw new Error(`${name} refused to stop`);
        },
      };
    },
  };
}

const pane = (id: string): PaneInfo => ({ paneId: id }) as PaneInfo;

describe('controller parts', () => {
  it('start in list order, each given what earlier parts gave', async () => {
    const seen: string[] = [];
    const parts = new Parts(
      [fake('a', seen, { gives: ['messaging'] }), fake('b', seen, { needs: ['messaging'], gives: ['agents', 'door'] }), fake('c', seen, { needs: ['door'] })],
      () => undefined,
    );
    await parts.start(ctx);
    expect(seen).toEqual(['start a with -', 'start b with messaging', 'start c with agents,door,messaging']);
  });

  it('refuse a list where a part needs what no part before it gives', () => {
    const seen: string[] = [];
    const list = [fake('runs', seen, { needs: ['door'] }), fake('agents', seen, { gives: ['door'] })];
    expect(orderProblem(list)).toBe('part runs needs door, which no part before it gives');
    expect(() => new Parts(list, () => undefined)).toThrow(/runs needs door/);
    expect(seen).toEqual([]);
  });

  it('refuse a part that does not give what it said it gives', async () => {
    const bad: Part = { ...fake('a', [], { gives: ['messaging'] }), start: () => ({ gives: {} }) };
    await expect(new Parts([bad], () => undefined).start(ctx)).rejects.toThrow(/part a did not give messaging/);
  });

  it('the real list is in dependency order', () => {
    const list = controllerParts();
    expect(orderProblem(list)).toBeNull();
    expect(list.map((p) => p.name)).toEqual(['feedback', 'messaging', 'agents', 'runs', 'recovery', 'triggers', 'panes']);
  });

  it('stop in reverse order; a part whose stop fails is logged and the others still stop', async () => {
    const seen: string[] = [];
    const log: string[] = [];
    const parts = new Parts([fake('a', seen), fake('b', seen, { failStop: true }), fake('c', seen)], (l) => log.push(l));
    await parts.start(ctx);
    seen.length = 0;
    await parts.stop('down', stopSteps((l) => log.push(l)));
    expect(seen).toEqual(['stop c (down)', 'stop b (down)', 'stop a (down)']);
    expect(log).toEqual(['stop: b failed: Error: b refused to stop']);
  });

  it('only started parts stop (a start that failed half way)', async () => {
    const seen: string[] = [];
    const broken: Part = { name: 'x', needs: [], gives: [], start: () => Promise.reject(new Error('no')) };
    const parts = new Parts([fake('a', seen), broken, fake('c', seen)], () => undefined);
    await expect(parts.start(ctx)).rejects.toThrow('no');
    await parts.stop('start failed', stopSteps(() => undefined));
    expect(seen).toEqual(['start a with -', 'stop a (start failed)']);
  });

  it('onPanes reaches every part, even after one throws', async () => {
    const seen: string[] = [];
    const log: string[] = [];
    const parts = new Parts([fake('a', seen), fake('b', seen, { failPanes: true }), fake('c', seen)], (l) => log.push(l));
    await parts.start(ctx);
    seen.length = 0;
    parts.onPanes([pane('%1'), pane('%2')]);
    expect(seen).toEqual(['panes a 2', 'panes b 2', 'panes c 2']);
    expect(log).toEqual(['b: panes: Error: b panes broke']);
  });

  it("gather every part's answers and snapshot share; a message two parts answer, or none, is refused", async () => {
    const ok = () => ({ ok: true as const });
    const all = Object.fromEntries(Object.keys(messages).map((k) => [k, ok])) as unknown as Impls;
    const { hook, heartbeat, ...core } = all;
    const parts = new Parts([fake('a', [], { answers: { hook } }), fake('b', [], { answers: { heartbeat } })], () => undefined);
    await parts.start(ctx);
    const answers = parts.answers(core);
    expect(answers.hook).toBe(hook);
    expect(Object.keys(answers).sort()).toEqual(Object.keys(messages).sort());
    expect(() => parts.answers(all)).toThrow(/part a: the message hook is answered already/);
    const { ping: _, ...noPing } = core;
    expect(() => parts.answers(noPing)).toThrow(/no controller part answers ping/);
    expect(parts.snapshot()).toEqual({ inflight: [['m1', null]], agents: [] });
  });
});
