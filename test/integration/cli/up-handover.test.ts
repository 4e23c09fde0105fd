/**
 * `up` builds the session itself and hands it to the controller it started first (issue #17,
 * session/handover.ts). What the handover must keep: the controller takes exactly the panes tmux
 * has, says the session was built by `up`, and one that is never told anything makes nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { makeProject, pidAlive, until, type TestProject } from '../../helpers/project.js';

const CONTROLLER = join(import.meta.dirname, '..', '..', '..', 'dist', 'controller', 'bundle.mjs');
const LAYOUT = `session: hand
windows:
  - name: main
    panes:
      - role: agent
        name: a1
        command: [sleep, "3600"]
      - role: shell
        name: sh1
`;

let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('up hands the session it built to its controller', () => {
  it('the controller takes the very panes tmux has, journals them as built by up, and answers for them', async () => {
    const p = (project = makeProject());
    p.write('l.yaml', LAYOUT);
    const r = await p.miyabi(['up', '-l', 'l.yaml', '--json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const st = JSON.parse(r.stdout) as StatusResult;
    const cmdline = readFileSync(`/proc/${st.controller.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('--handover');
    const tmuxPanes = p.tmux.tmux('list-panes', '-s', '-t', '=hand', '-F', '#{pane_id} #{pane_pid}').trim().split('\n');
    expect(st.panes.map((x) => `${x.paneId} ${x.pid}`)).toEqual(tmuxPanes);
    const created = readFileSync(join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8')
      .trim().split('\n').map((l) => JSON.parse(l) as { type: string; payload: { by?: string; panes?: { paneId: string }[] } })
      .filter((x) => x.type === 'session.created');
    expect(created).toHaveLength(1);
    expect(created[0]?.payload.by).toBe('up');
    expect(created[0]?.payload.panes?.map((x) => x.paneId)).toEqual(st.panes.map((x) => x.paneId));
    // Its own answer agrees with what up printed for it.
    const s = await p.miyabi(['status', '--json']);
    expect((JSON.parse(s.stdout) as StatusResult).panes.map((x) => x.paneId)).toEqual(st.panes.map((x) => x.paneId));
  });

  it('a controller started for a handover that is never told anything stops, and makes nothing', async () => {
    const p = (project = makeProject());
    p.write('l.yaml', LAYOUT);
    const child = spawn(process.execPath, [CONTROLLER, '--root', p.root, '--tmux-socket', p.tmux.socket, '--layout', 'l.yaml', '--handover'], {
      cwd: p.root,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.disconnect(); // the `up` that started it went away before it said a word
    expect(await exited).not.toBeNull();
    await until(() => !pidAlive(child.pid!), 'the controller to be gone');
    expect(existsSync(join(p.root, '.miyabi'))).toBe(false);
    expect(() => p.tmux.tmux('list-sessions')).toThrow();
  });
});
