import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { makeProject, pidAlive, until, type TestProject } from '../../helpers/project.js';

const FMT = '#{pane_id}|#{pane_pid}|#{pane_dead}|#{@miyabi_agent}|#{@miyabi_role}|#{pane_current_command}|#{pane_current_path}';

interface RawPane {
  id: string;
  pid: number;
  dead: boolean;
  name: string;
  role: string;
  cmd: string;
  cwd: string;
}

function rawPanes(p: TestProject, session: string): RawPane[] {
  return p.tmux
    .tmux('list-panes', '-s', '-t', `=${session}`, '-F', FMT)
    .trim()
    .split('\n')
    .map((l) => {
      const [id = '', pid = '0', dead = '0', name = '', role = '', cmd = '', cwd = ''] = l.split('|');
      return { id, pid: Number(pid), dead: dead === '1', name, role, cmd, cwd };
    });
}

const LAYOUT = `session: itest
windows:
  - name: main
    layout: tiled
    panes:
      - role: conductor
      - role: dashboard
      - role: agent
        name: alpha
        command: [sleep, "3600"]
      - role: agent
        name: beta
        command: sleep 3601
        cwd: sub dir
`;

let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function upWithLayout(p: TestProject): Promise<StatusResult> {
  mkdirSync(join(p.root, 'sub dir'));
  p.write('layout.yaml', LAYOUT);
  const r = await p.miyabi(['up', '--layout', 'layout.yaml', '--json']);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as StatusResult;
}

describe('miyabi up / status / down on a real tmux server', () => {
  it('makes exactly the layout panes, with their commands and folders, and status agrees with tmux', async () => {
    const p = (project = makeProject());
    const st = await upWithLayout(p);
    expect(st.session).toBe('itest');
    const raw = await until(() => {
      const r = rawPanes(p, 'itest');
      const cmd = (n: string) => r.find((x) => x.name === n)?.cmd;
      const ready = cmd('alpha') === 'sleep' && cmd('conductor') === 'node' && cmd('dashboard') === 'node';
      return ready && r.every((x) => x.cwd !== '') ? r : null;
    }, 'panes to exec their commands');
    expect(raw.map((r) => [r.role, r.name])).toEqual([
      ['conductor', 'conductor'],
      ['dashboard', 'dashboard'],
      ['agent', 'alpha'],
      ['agent', 'beta'],
    ]);
    const byName = Object.fromEntries(raw.map((r) => [r.name, r]));
    expect(byName.alpha?.cmd).toBe('sleep');
    expect(byName.alpha?.cwd).toBe(p.root);
    expect(byName.beta?.cwd).toBe(join(p.root, 'sub dir'));
    // a string command runs through /bin/sh -c, which may or may not exec the last command
    expect(['sh', 'sleep']).toContain(byName.beta?.cmd);
    expect(byName.conductor?.cmd).toBe('node');

    const sj = await p.miyabi(['status', '--json']);
    expect(sj.exitCode).toBe(0);
    const status = JSON.parse(sj.stdout) as StatusResult;
    expect(status.panes.map((x) => ({ id: x.paneId, pid: x.pid, name: x.name, role: x.role, alive: x.alive }))).toEqual(
      raw.map((r) => ({ id: r.id, pid: r.pid, name: r.name, role: r.role, alive: !r.dead })),
    );
    expect(status.panes.find((x) => x.name === 'beta')?.command).toBe('sleep 3601');
    expect(status.controller.pid).toBe(p.controllerPid());

    // .miyabi is private and invisible to git
    expect(statSync(join(p.root, '.miyabi')).mode & 0o777).toBe(0o700);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: p.root, encoding: 'utf8' })).not.toContain('.miyabi');
    expect(readFileSync(join(p.root, '.git', 'info', 'exclude'), 'utf8')).toContain('/.miyabi/');
    expect(statSync(status.controller.ipcPath).mode & 0o777).toBe(0o600);
  });

  it('with no layout, builds the built-in default: conductor, dashboard and two shell agents', async () => {
    const p = (project = makeProject());
    const r = await p.miyabi(['up', '--detach'], { env: { SHELL: '/bin/sh' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('started: session miyabi-it-');
    const raw = rawPanes(p, (JSON.parse((await p.miyabi(['status', '--json'])).stdout) as StatusResult).session);
    expect(raw).toHaveLength(4);
    expect(raw.map((x) => [x.role, x.name])).toEqual([
      ['conductor', 'conductor'],
      ['dashboard', 'dashboard'],
      ['agent', 'agent-1'],
      ['agent', 'agent-2'],
    ]);
    const session = (JSON.parse((await p.miyabi(['status', '--json'])).stdout) as StatusResult).session;
    const agents = await until(() => {
      const a = rawPanes(p, session).filter((x) => x.role === 'agent');
      return a.every((x) => x.cmd === 'sh' && x.cwd === p.root) ? a : null;
    }, 'the agents to run the shell in the project root');
    expect(agents).toHaveLength(2);
  });

  it('a second up adds nothing and reports the running session', async () => {
    const p = (project = makeProject());
    const first = await upWithLayout(p);
    const again = await p.miyabi(['up', '--layout', 'layout.yaml', '--detach']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('already running: session itest');
    expect(rawPanes(p, 'itest').map((r) => r.id)).toEqual(first.panes.map((x) => x.paneId));
    expect(p.tmux.tmux('list-sessions', '-F', '#{session_name}').trim()).toBe('itest');
  });

  it('down leaves no session, no controller and no pane process', async () => {
    const p = (project = makeProject());
    const st = await upWithLayout(p);
    const pids = [st.controller.pid, ...st.panes.map((x) => x.pid)];
    const r = await p.miyabi(['down']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('stopped');
    await until(() => pids.every((pid) => !pidAlive(pid)), 'controller and pane processes to exit');
    expect(() => p.tmux.tmux('has-session', '-t', '=itest')).toThrow();
    expect(existsSync(st.controller.ipcPath)).toBe(false);
    expect(existsSync(join(p.root, '.miyabi', 'run', 'controller.lock'))).toBe(false);
    const s = await p.miyabi(['status']);
    expect(s.exitCode).toBe(1);
    expect(s.stderr).toContain('no controller is running');
  });

  it('a controller killed with SIGKILL is replaced by the next up, which adopts the panes', async () => {
    const p = (project = makeProject());
    const st = await upWithLayout(p);
    process.kill(st.controller.pid, 'SIGKILL');
    await until(() => !pidAlive(st.controller.pid), 'the controller to die');
    const r = await p.miyabi(['up', '--layout', 'layout.yaml', '--json']);
    expect(r.exitCode).toBe(0);
    const st2 = JSON.parse(r.stdout) as StatusResult & { started: boolean };
    expect(st2.started).toBe(true);
    expect(st2.controller.pid).not.toBe(st.controller.pid);
    expect(st2.panes.map((x) => [x.paneId, x.pid])).toEqual(st.panes.map((x) => [x.paneId, x.pid]));
    expect(rawPanes(p, 'itest')).toHaveLength(4);
    const journal = readFileSync(join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');
    expect(journal).toContain('"session.adopted"');
  });

  it('two up at the same moment give one session and one controller', async () => {
    const p = (project = makeProject());
    mkdirSync(join(p.root, 'sub dir'));
    p.write('layout.yaml', LAYOUT);
    const [a, b] = await Promise.all([
      p.miyabi(['up', '--layout', 'layout.yaml', '--json']),
      p.miyabi(['up', '--layout', 'layout.yaml', '--json']),
    ]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const sa = JSON.parse(a.stdout) as StatusResult;
    const sb = JSON.parse(b.stdout) as StatusResult;
    expect(sa.controller.pid).toBe(sb.controller.pid);
    expect(rawPanes(p, 'itest')).toHaveLength(4);
    expect(p.tmux.tmux('list-sessions', '-F', '#{session_name}').trim()).toBe('itest');
    const controllers = execFileSync('pgrep', ['-f', `controller/bundle.mjs --root ${p.root} `], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(controllers).toEqual([String(sa.controller.pid)]);
  });

  it('an invalid layout creates nothing and exits 2 naming the line', async () => {
    const p = (project = makeProject());
    p.write('bad.yaml', 'windows:\n  - name: main\n    panes:\n      - role: agent\n        name: "a:b"\n');
    const r = await p.miyabi(['up', '--layout', 'bad.yaml', '--detach']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:5:\d+/);
    expect(r.stderr).toContain('name');
    expect(existsSync(join(p.root, '.miyabi'))).toBe(false);
    expect(() => p.tmux.tmux('list-sessions')).toThrow();
  });
});
