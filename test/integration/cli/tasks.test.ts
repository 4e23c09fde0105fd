import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../../src/agents/tasks/index.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

const AGENT = join(import.meta.dirname, '..', '..', 'fixtures', 'task-agent.mjs');
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'miyabi.js');

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

async function tasks(t: TestProject): Promise<Task[]> {
  return JSON.parse((await t.miyabi(['task', 'list', '--json'])).stdout) as Task[];
}

describe('the task queue', () => {
  it('six tasks flow to idle agents only, never two at once to one agent, and end as signalled', async () => {
    p = makeProject();
    mkdirSync(join(p.root, 'rec'));
    const panes = ['a1', 'a2', 'a3', 'a4']
      .map((n) => `      - role: agent\n        name: ${n}\n        command: [node, ${JSON.stringify(AGENT)}, ${JSON.stringify(BIN)}, rec/tasks.jsonl]\n`)
      .join('');
    p.write('t.yaml', `session: tq\nwindows:\n  - name: main\n    panes:\n${panes}`);
    expect((await p.miyabi(['up', '-l', 't.yaml', '--detach'])).exitCode).toBe(0);
    const texts = ['build the parser', 'write docs', 'FAIL on purpose', 'fix lint', 'HANG forever', 'add tests'];
    for (const text of texts) {
      const r = await p.miyabi(['task', 'add', text, ...(text.startsWith('HANG') ? ['--timeout', '2s'] : [])]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const ended = await until(async () => {
      const all = await tasks(p!);
      return all.length === 6 && all.every((t) => ['done', 'failed', 'timed-out'].includes(t.state)) ? all : null;
    }, 'every task to end', 40_000);
    const byText = Object.fromEntries(ended.map((t) => [t.text, t.state]));
    expect(byText).toEqual({
      'build the parser': 'done',
      'write docs': 'done',
      'FAIL on purpose': 'failed',
      'fix lint': 'done',
      'HANG forever': 'timed-out',
      'add tests': 'done',
    });
    // never two tasks in hand at once: per agent, each task starts after the previous one ended
    for (const agent of ['a1', 'a2', 'a3', 'a4']) {
      const mine = ended.filter((t) => t.assignee === agent).sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.startedAt!).toBeGreaterThanOrEqual(mine[i - 1]!.endedAt!);
    }
    const got = readFileSync(join(p.root, 'rec', 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(new Set(got.map((g) => g.id)).size).toBe(6);
    expect(got).toHaveLength(6);
  }, 60_000);

  it('refuses bad task input with exit 2', async () => {
    p = makeProject();
    p.write('t.yaml', 'session: tq\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: a1\n        command: [sleep, "3600"]\n');
    expect((await p.miyabi(['up', '-l', 't.yaml', '--detach'])).exitCode).toBe(0);
    const r = await p.miyabi(['task', 'add', 'x', '--timeout', '5x']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('5x');
    const e = await p.miyabi(['task', 'add', '  ']);
    expect(e.exitCode).toBe(2);
  });
});
