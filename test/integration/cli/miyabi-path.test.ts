import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../../src/agents/tasks/index.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

/** A PATH with node and the system tools, and no `miyabi` of any `npm link`. */
const PATH = '/usr/bin:/bin';
const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');

// An agent that shows a prompt, and runs `miyabi done` when a task message tells it to.
const AGENT = `command -v miyabi > rec/which.txt; printf '$ '; while IFS= read -r l; do case "$l" in *"miyabi done"*) miyabi done > rec/done.txt 2>&1;; esac; printf '$ '; done`;

describe('`miyabi` on every pane\'s PATH', () => {
  it('an agent pane finds it with no npm link and finishes its task with `miyabi done`; a spawned one too', async () => {
    expect(() => execFileSync('/bin/sh', ['-c', 'command -v miyabi'], { env: { PATH }, stdio: 'ignore' })).toThrow();
    p = makeProject();
    mkdirSync(join(p.root, 'rec'));
    p.write('m.yaml', `session: mp\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: a1\n        command: [sh, -c, ${JSON.stringify(AGENT)}]\n`);
    const up = await p.miyabi(['up', '-l', 'm.yaml', '--detach'], { env: { PATH } });
    expect(up.exitCode, up.stderr).toBe(0);
    const shim = join(p.root, '.miyabi', 'run', 'bin', 'miyabi');
    await until(() => read(join(p!.root, 'rec', 'which.txt')), 'the pane to look miyabi up');
    expect(read(join(p.root, 'rec', 'which.txt')).trim()).toBe(shim);

    const added = await p.miyabi(['task', 'add', '--agent', 'a1', 'finish me'], { env: { PATH } });
    expect(added.exitCode, added.stderr).toBe(0);
    const task = await until(async () => {
      const all = JSON.parse((await p!.miyabi(['task', 'list', '--json'])).stdout) as Task[];
      return all.find((t) => t.state === 'done');
    }, 'the agent to finish its task with miyabi done', 20_000);
    expect(task.assignee).toBe('a1');
    expect(read(join(p.root, 'rec', 'done.txt'))).toContain(`${task.id} done`);

    const spawned = await p.miyabi(['spawn', 's1', '--no-worktree', '--command', 'command -v miyabi > rec/s1.txt && miyabi heartbeat && echo ok >> rec/s1.txt; exec sleep 3600'], { env: { PATH } });
    expect(spawned.exitCode, spawned.stderr).toBe(0);
    await until(() => read(join(p!.root, 'rec', 's1.txt')).includes('ok'), 'the spawned pane to run miyabi heartbeat');
    expect(read(join(p.root, 'rec', 's1.txt'))).toBe(`${shim}\nok\n`);
  }, 150_000);
});
