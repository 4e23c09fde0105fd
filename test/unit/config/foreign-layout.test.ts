/** tmuxinator and tmuxp files read as layouts: what maps, what is warned about at file:line, what is refused. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/config-issue.js';
import { foreignKind, programOfLine } from '../../../src/config/foreign-layout.js';
import { loadLayout } from '../../../src/config/load-layout.js';
import { MIYABI_BIN, tempProject, testEnv, writeFile } from './temp-project.js';

function load(text: string, name = 'proj.yml') {
  const root = tempProject('foreign-');
  for (const d of ['src', 'pkg/web', 'log']) writeFile(root, `${d}/.keep`, '');
  writeFile(root, name, text);
  return { root, r: loadLayout({ ref: path.join(root, name), projectRoot: root, cwd: root, miyabiBin: MIYABI_BIN, env: testEnv() }) };
}

const TMUXINATOR = `# ~/.tmuxinator/blog.yml
name: Blog
root: .
pre: sudo /etc/rc.d/mysqld start
pre_window: nvm use 20
tmux_options: -f ~/.tmux.mac.conf
windows:
  - editor:
      layout: main-vertical
      root: src
      panes:
        - vim
        - guard
  - agent: claude --model sonnet
  - server: bundle exec rails s
  - logs:
      layout: b147,208x73,0,0
      panes:
        - watcher:
            - cd log
            - tail -f development.log
  - console:
`;

const TMUXP = `session_name: api
start_directory: .
shell_command_before:
  - source .env
global_options:
  mouse: on
windows:
  - window_name: code
    layout: even-horizontal
    start_directory: pkg
    panes:
      - shell_command:
          - codex
      - shell_command: [npm test -- --watch]
        start_directory: pkg/web
      - null
  - window_name: build
    panes:
      - make
`;

describe('tmuxinator project files', () => {
  it('are told apart from miyabi layouts and tmuxp files', () => {
    expect(foreignKind({ name: 'x', windows: [{ editor: 'vim' }] })).toBe('tmuxinator');
    expect(foreignKind({ session_name: 'x', windows: [] })).toBe('tmuxp');
    expect(foreignKind({ windows: [{ name: 'main', panes: [null] }] })).toBeNull();
    expect(foreignKind({ windows: [{ name: 'main' }] })).toBeNull();
    expect(programOfLine('env A=1 exec /usr/bin/claude --x')).toBe('claude');
  });

  it('map windows, panes, layouts, roots and pre_window; an agent CLI is an agent; the rest warned at file:line', () => {
    const { r } = load(TMUXINATOR);
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    const l = r.value;
    expect(l.session).toBe('blog');
    expect(l.windows.map((w) => [w.name, w.arrangement, w.panes.length])).toEqual([
      ['editor', 'main-vertical', 2], ['agent', 'tiled', 1], ['server', 'tiled', 1], ['logs', 'tiled', 1], ['console', 'tiled', 1], ['miyabi', 'tiled', 2],
    ]);
    const [vim, guard] = l.windows[0]!.panes;
    expect(vim).toMatchObject({ role: 'shell', command: { kind: 'shell' } });
    expect(vim!.command.argv[2]).toBe('nvm use 20\nvim\nexec "${SHELL:-/bin/sh}"');
    expect(vim!.cwd).toBe(path.join(l.root, 'src'));
    expect(guard!.command.argv[2]).toContain('guard');
    const agent = l.windows[1]!.panes[0]!;
    expect(agent).toMatchObject({ name: 'agent', role: 'agent', profile: 'claude' });
    expect(agent.command.argv[2]).toBe('nvm use 20\nexec claude --model sonnet');
    expect(l.windows[3]!.panes[0]).toMatchObject({ name: 'watcher' });
    expect(l.windows[3]!.panes[0]!.command.argv[2]).toBe('nvm use 20\ncd log\ntail -f development.log\nexec "${SHELL:-/bin/sh}"');
    expect(l.windows[4]!.panes[0]!.command.argv[2]).toBe('nvm use 20\nexec "${SHELL:-/bin/sh}"');
    expect(l.windows[5]!.panes.map((p) => p.role)).toEqual(['conductor', 'dashboard']);
    const warnings = r.warnings.map(formatIssue);
    expect(warnings).toEqual([
      'proj.yml:2:1 name: warning: session "Blog" is named "blog" here (miyabi names are lowercase a-z 0-9 _ -, and unique)',
      'proj.yml:4:1 pre: warning: pre is not mapped: miyabi runs no project hooks; run it yourself before `miyabi up`',
      'proj.yml:6:1 tmux_options: warning: tmux_options is not mapped: miyabi keeps its own tmux server and options',
      'proj.yml:17:7 windows[3].logs.layout: warning: layout "b147,208x73,0,0" is not mapped (miyabi arranges panes as one of tiled, even-horizontal, even-vertical, main-horizontal, main-vertical): tiled is used',
    ]);
  });

  it('a wrong shape is an error at its line, in the file as written', () => {
    const { r } = load('name: x\nwindows:\n  - editor:\n      panes:\n        - vim\n        - [1, 2]\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map(formatIssue)).toEqual(['proj.yml:6:12 windows[0].editor.panes[1][0]: expected a command (text)', 'proj.yml:6:15 windows[0].editor.panes[1][1]: expected a command (text)']);
  });
});

describe('tmuxp files', () => {
  it('map session_name, start_directory, shell_command_before, window_name, panes and their folders', () => {
    const { r } = load(TMUXP, 'api.yaml');
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    const l = r.value;
    expect(l.session).toBe('api');
    expect(l.windows.map((w) => [w.name, w.arrangement])).toEqual([['code', 'even-horizontal'], ['build', 'tiled'], ['miyabi', 'tiled']]);
    const [codex, test, shell] = l.windows[0]!.panes;
    expect(codex).toMatchObject({ role: 'agent', name: 'code', profile: 'codex' });
    expect(codex!.command.argv[2]).toBe('source .env\nexec codex');
    expect(codex!.cwd).toBe(path.join(l.root, 'pkg'));
    expect(test!.cwd).toBe(path.join(l.root, 'pkg', 'web'));
    expect(test!.command.argv[2]).toBe('source .env\nnpm test -- --watch\nexec "${SHELL:-/bin/sh}"');
    expect(shell!.role).toBe('shell');
    expect(l.windows[1]!.panes[0]!.command.argv[2]).toBe('source .env\nmake\nexec "${SHELL:-/bin/sh}"');
    expect(r.warnings.map(formatIssue)).toEqual(['api.yaml:5:1 global_options: warning: global_options is not mapped: miyabi keeps its own tmux server and options']);
  });
});
