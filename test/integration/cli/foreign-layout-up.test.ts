import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

/** `up --layout` with a tmuxinator project file, as a tmuxinator user would start. */
let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('up --layout with a tmuxinator file', () => {
  it('starts its windows and panes, runs pre_window and the pane commands in a shell that stays, and warns what it did not map', async () => {
    project = makeProject('miyabi-tmuxinator');
    project.write('blog.yml', [
      'name: blog',
      'root: .',
      'on_project_start: echo never-run',
      'pre_window: export GREETING=from-pre-window',
      'windows:',
      '  - server: echo "served $GREETING"',
      '  - logs:',
      '      layout: even-vertical',
      '      panes:',
      '        - echo left',
      '        - echo right',
      '',
    ].join('\n'));
    const up = await project.miyabi(['up', '--detach', '--layout', 'blog.yml']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toContain('blog.yml:3:1 on_project_start: warning: on_project_start is not mapped: miyabi runs no project hooks');
    const t = project.tmux;
    const panes = () => t.tmux('list-panes', '-a', '-F', '#{window_name}|#{pane_id}|#{pane_dead}|#{pane_current_command}').trim().split('\n').map((l) => l.split('|'));
    expect([...new Set(panes().map((p) => p[0]))]).toEqual(['server', 'logs', 'miyabi']);
    const server = panes().find((p) => p[0] === 'server')!;
    await until(() => t.tmux('capture-pane', '-p', '-t', server[1]!).includes('served from-pre-window'), 'the server pane ran pre_window, then its command', 20_000);
    // The command ended; as in tmuxinator, the pane is a shell now, alive.
    await until(() => /sh$/.test(panes().find((p) => p[1] === server[1])![3]!), 'a shell in the server pane', 20_000);
    expect(panes().find((p) => p[1] === server[1])![2]).toBe('0');
    expect(panes().filter((p) => p[0] === 'logs')).toHaveLength(2);
  }, 90_000);
});
