import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { agentRows, cleanupWithWorktrees } from '../../helpers/agents-cli.js';
import { makeProject, pidAlive, until, type TestProject } from '../../helpers/project.js';
import { READER, received } from '../../helpers/readers.js';

let p: TestProject | undefined;
afterEach(async () => {
  await cleanupWithWorktrees(p);
  p = undefined;
});

const LAYOUT = 'session: ag\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: lead\n        command: [sleep, "3600"]\n';

async function up(t: TestProject): Promise<StatusResult> {
  t.write('l.yaml', LAYOUT);
  const r = await t.miyabi(['up', '-l', 'l.yaml', '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusResult;
}

describe('miyabi spawn / kill / agents', () => {
  it('spawns four agents, each on its own branch and starting in its own worktree', async () => {
    p = makeProject();
    const st = await up(p);
    // The pane a person types in keeps the keyboard: a spawned pane does not take it (#16).
    const active = () => p!.tmux.tmux('display-message', '-p', '-t', 'ag:main', '#{pane_id}').trim();
    const before = active();
    expect(before).toBe(st.panes.find((x) => x.name === 'lead')?.paneId);
    for (const n of ['a1', 'a2', 'a3', 'a4']) {
      const r = await p.miyabi(['spawn', n, '--command', 'sleep 3600']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`spawned ${n}`);
    }
    expect(active()).toBe(before);
    const list = await agentRows(p);
    const spawned = list.filter((a) => a.spawned);
    expect(spawned.map((a) => a.name)).toEqual(['a1', 'a2', 'a3', 'a4']);
    // A layout agent shows its command as written, not the launch script its pane runs.
    expect(list.find((a) => a.name === 'lead')?.command).toBe('sleep 3600');
    expect(new Set(spawned.map((a) => a.branch)).size).toBe(4);
    for (const a of spawned) {
      expect(a.branch).toBe(`miyabi/${a.name}/work`);
      expect(a.worktree).not.toBe(p.root);
      await until(() => p!.tmux.tmux('display', '-p', '-t', a.paneId, '#{pane_current_path}').trim() === a.worktree, `${a.name} in its worktree`);
      expect(execFileSync('git', ['-C', a.worktree!, 'branch', '--show-current'], { encoding: 'utf8' }).trim()).toBe(a.branch);
    }
  });

  it('refuses names that would break a tmux target or a path', async () => {
    p = makeProject();
    await up(p);
    for (const bad of ['a:b', 'a.b', '../x', '', 'x'.repeat(200), 'lead']) {
      const r = await p.miyabi(['spawn', bad, '--no-worktree']);
      expect(r.exitCode, bad).toBe(2);
      expect(r.stderr, bad).toMatch(bad === 'lead' ? /already a pane named lead/ : /agent name .*(contains|is empty|characters long)/);
    }
    expect((await agentRows(p)).map((a) => a.name)).toEqual(['lead']);
  });

  it('a spawned agent takes messages, also after its controller was SIGKILLed and replaced', async () => {
    p = makeProject();
    const st = await up(p);
    execFileSync('mkdir', ['-p', join(p.root, 'rec')]);
    const r = await p.miyabi(['spawn', 'rd', '--no-worktree', '--command', `node ${READER} rec/rd.jsonl`]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await p.miyabi(['send', 'rd', 'first', '--wait'])).stdout).toContain('delivered');
    process.kill(st.controller.pid, 'SIGKILL');
    await until(() => !pidAlive(st.controller.pid), 'the controller to die');
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    expect((await p.miyabi(['send', 'rd', 'second', '--wait'])).stdout).toContain('delivered');
    expect(received(p, 'rd')).toEqual(['first', 'second']);
  });

  it('kill --clean keeps a worktree that holds work; --force archives it, and restore brings it back', async () => {
    p = makeProject();
    await up(p);
    expect((await p.miyabi(['spawn', 'w1', '--command', 'sleep 3600'])).exitCode).toBe(0);
    const a = (await agentRows(p)).find((x) => x.name === 'w1')!;
    writeFileSync(join(a.worktree!, 'work.txt'), 'unsaved\n');
    const refused = await p.miyabi(['kill', 'w1', '--clean']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('work.txt');
    expect((await agentRows(p)).some((x) => x.name === 'w1' && x.alive)).toBe(true);
    const forced = await p.miyabi(['kill', 'w1', '--clean', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/kept as refs\/miyabi\/archive\/w1\//);
    expect(existsSync(a.worktree!)).toBe(false);
    expect((await agentRows(p)).some((x) => x.name === 'w1')).toBe(false);
    expect((await p.miyabi(['worktree', 'restore', 'w1'])).exitCode).toBe(0);
    expect(existsSync(join(a.worktree!, 'work.txt'))).toBe(true);
  });
});

describe('layout agents with worktree: true', () => {
  it('start in worktrees of their own, which outlive down and are used again by the next up', async () => {
    p = makeProject();
    p.write(
      'w.yaml',
      'session: wt\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: b1\n        command: [sleep, "3600"]\n        worktree: true\n      - role: agent\n        name: b2\n        command: [sleep, "3600"]\n        worktree: true\n        branch: feature/<agent>\n',
    );
    expect((await p.miyabi(['up', '-l', 'w.yaml', '--detach'])).exitCode).toBe(0);
    const rows = await agentRows(p);
    const b1 = rows.find((a) => a.name === 'b1')!;
    const b2 = rows.find((a) => a.name === 'b2')!;
    expect(b1.branch).toBe('miyabi/b1/work');
    expect(b2.branch).toBe('feature/b2');
    await until(() => p!.tmux.tmux('display', '-p', '-t', b1.paneId, '#{pane_current_path}').trim() === b1.worktree, 'b1 in its worktree');
    writeFileSync(join(b1.worktree!, 'draft.txt'), 'work in progress\n');
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    expect(existsSync(join(b1.worktree!, 'draft.txt'))).toBe(true);
    expect((await p.miyabi(['up', '-l', 'w.yaml', '--detach'])).exitCode).toBe(0);
    const again = (await agentRows(p)).find((a) => a.name === 'b1')!;
    expect(again.worktree).toBe(b1.worktree);
    await until(() => p!.tmux.tmux('display', '-p', '-t', again.paneId, '#{pane_current_path}').trim() === b1.worktree, 'b1 back in its worktree');
  });
});

describe("the layout's worktrees settings", () => {
  it('copy files, run the setup command, hand out ports, and keep a pool for spawn', async () => {
    p = makeProject();
    writeFileSync(join(p.root, '.env'), 'SECRET=1\n');
    const wtRoot = `${p.root}-wts`;
    p.write(
      'w.yaml',
      `session: ws\nworktrees:\n  root: ${JSON.stringify(wtRoot)}\n  copy: [.env]\n  setup: echo installed > setup.txt\n  ports: 4300-4399\n  pool: 1\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: c1\n        command: [sleep, "3600"]\n        worktree: true\n`,
    );
    try {
      const up = await p.miyabi(['up', '-l', 'w.yaml', '--detach']);
      expect(up.exitCode, up.stderr).toBe(0);
      const c1 = (await agentRows(p)).find((a) => a.name === 'c1')!;
      expect(c1.worktree!.startsWith(wtRoot)).toBe(true);
      expect((await import('node:fs')).readFileSync(join(c1.worktree!, '.env'), 'utf8')).toBe('SECRET=1\n');
      expect(existsSync(join(c1.worktree!, 'setup.txt'))).toBe(true);
      const environ = (await import('node:fs')).readFileSync(`/proc/${c1.pid}/environ`, 'utf8').split('\0');
      const port = Number(environ.find((e) => e.startsWith('MIYABI_PORT='))?.split('=')[1]);
      expect(port).toBeGreaterThanOrEqual(4300);
      expect(port).toBeLessThanOrEqual(4399);
      const { readFileSync } = await import('node:fs');
      const journal = () => readFileSync(join(p!.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');
      await until(() => journal().includes('"worktree.pool-filled"'), 'the pool to be filled', 30_000);
      const r = await p.miyabi(['spawn', 'c2', '--command', 'sleep 3600']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect((await agentRows(p)).find((a) => a.name === 'c2')?.worktree?.startsWith(wtRoot)).toBe(true);
    } finally {
      rmSync(wtRoot, { recursive: true, force: true });
    }
  });
});
