/** Valid layouts and what they normalize to: names, commands, folders and environments. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../../src/config/load-layout.js';
import type { SessionLayout, PaneLayout } from '../../../src/config/layout-types.js';
import { MIYABI_BIN, tempProject, testEnv, writeFile } from './temp-project.js';

function load(yaml: string, opts: { env?: NodeJS.ProcessEnv; dirs?: string[]; projectName?: string } = {}): { layout: SessionLayout; root: string } {
  const root = tempProject(opts.projectName);
  for (const dir of opts.dirs ?? []) writeFile(root, `${dir}/.keep`, '');
  writeFile(root, 'layouts/ok.yaml', yaml);
  const r = loadLayout({ ref: 'ok', projectRoot: root, cwd: root, miyabiBin: MIYABI_BIN, env: opts.env ?? testEnv() });
  if (!r.ok) throw new Error(`expected a valid layout:\n${JSON.stringify(r.issues, null, 2)}`);
  expect(r.warnings).toEqual([]);
  return { layout: r.value, root };
}

function panes(layout: SessionLayout): PaneLayout[] {
  return layout.windows.flatMap((w) => w.panes);
}

describe('valid layouts', () => {
  it('accepts shorthand panes: a string is a shell command, an empty entry a plain shell', () => {
    const { layout } = load('windows:\n  - name: main\n    panes:\n      - npm run dev\n      -\n      - role: agent\n        name: a1\n');
    expect(panes(layout).map((p) => [p.name, p.role, p.command])).toEqual([
      ['shell-1', 'shell', { kind: 'shell', argv: ['/bin/sh', '-c', 'npm run dev'] }],
      ['shell-2', 'shell', { kind: 'default', argv: ['/bin/bash'] }],
      ['a1', 'agent', { kind: 'default', argv: ['/bin/bash'] }],
    ]);
  });

  it('runs a string command through /bin/sh -c and a list as argv', () => {
    const { layout } = load(
      'windows:\n  - name: main\n    panes:\n' +
        '      - {role: agent, name: a1, command: "claude --resume && echo done"}\n' +
        '      - {role: agent, name: a2, command: [claude, --model, "opus 4"]}\n',
    );
    expect(panes(layout).map((p) => p.command)).toEqual([
      { kind: 'shell', argv: ['/bin/sh', '-c', 'claude --resume && echo done'] },
      { kind: 'argv', argv: ['claude', '--model', 'opus 4'] },
    ]);
  });

  it('runs miyabi itself in conductor and dashboard panes by default', () => {
    const { layout } = load('windows:\n  - name: main\n    panes: [{role: dashboard}, {role: conductor}]\n');
    expect(panes(layout).map((p) => [p.name, p.command])).toEqual([
      ['dashboard', { kind: 'default', argv: [process.execPath, MIYABI_BIN, 'dashboard'] }],
      ['conductor', { kind: 'default', argv: [process.execPath, MIYABI_BIN, 'conductor'] }],
    ]);
  });

  it('never gives a default name that a written name already uses', () => {
    const { layout } = load(
      'windows:\n  - name: main\n    panes:\n      - {name: conductor}\n      - {role: conductor}\n      - ls\n      - {name: shell-1}\n      - pwd\n',
    );
    expect(panes(layout).map((p) => p.name)).toEqual(['conductor', 'conductor-2', 'shell-2', 'shell-1', 'shell-3']);
  });

  it('merges env: process < layout < pane, and keeps what the file set apart', () => {
    const env = testEnv({ A: 'process', B: 'process', C: 'process' });
    const { layout } = load(
      'env:\n  B: layout\n  C: layout\nwindows:\n  - name: main\n    panes:\n      - {env: {C: pane, PORT: "3000", DEBUG: "true"}}\n      - ls\n',
      { env },
    );
    expect(layout.env).toMatchObject({ A: 'process', B: 'layout', C: 'layout', HOME: '/home/tester' });
    const [p1, p2] = panes(layout);
    expect(p1?.env).toMatchObject({ A: 'process', B: 'layout', C: 'pane', PORT: '3000', DEBUG: 'true' });
    expect(p1?.envOverrides).toEqual({ B: 'layout', C: 'pane', PORT: '3000', DEBUG: 'true' });
    expect(p2?.env).toMatchObject({ A: 'process', B: 'layout', C: 'layout' });
    expect(p2?.envOverrides).toEqual({ B: 'layout', C: 'layout' });
  });

  it('takes the default shell from the pane env, and falls back to /bin/sh', () => {
    const { layout } = load('env: {SHELL: /bin/zsh}\nwindows:\n  - name: main\n    panes: [~, {env: {SHELL: fish}}]\n');
    expect(panes(layout).map((p) => p.command.argv)).toEqual([['/bin/zsh'], ['/bin/sh']]);
    const { layout: noShell } = load('windows:\n  - name: main\n    panes: [~]\n', { env: { HOME: '/home/tester' } });
    expect(panes(noShell)[0]?.command.argv).toEqual(['/bin/sh']);
  });

  it('resolves root against the project root and cwd against root', () => {
    const { layout, root } = load(
      'root: app\nwindows:\n  - name: main\n    panes:\n      - ls\n      - {cwd: src}\n      - {cwd: ../docs}\n',
      { dirs: ['app/src', 'docs'] },
    );
    expect(layout.root).toBe(path.join(root, 'app'));
    expect(panes(layout).map((p) => p.cwd)).toEqual([path.join(root, 'app'), path.join(root, 'app/src'), path.join(root, 'docs')]);
  });

  it('expands ~ with $HOME and keeps absolute paths', () => {
    const home = tempProject('miyabi-home-');
    writeFile(home, 'code/.keep', '');
    const other = tempProject('miyabi-other-');
    const { layout } = load(`root: ~/code\nwindows:\n  - name: main\n    panes: [{cwd: ${other}}, {cwd: "~"}]\n`, { env: testEnv({ HOME: home }) });
    expect(layout.root).toBe(path.join(home, 'code'));
    expect(panes(layout).map((p) => p.cwd)).toEqual([other, home]);
  });

  it('names the session after the project folder unless the file says', () => {
    expect(load('windows:\n  - name: main\n    panes: [~]\n', { projectName: 'My Repo.git-' }).layout.session).toMatch(/^my-repo-git-[a-z0-9]+$/);
    expect(load('session: dev\nwindows:\n  - name: main\n    panes: [~]\n').layout.session).toBe('dev');
  });

  it('defaults the tmux layout to tiled and keeps the window order', () => {
    const { layout } = load('windows:\n  - name: one\n    panes: [~]\n  - name: two\n    layout: main-vertical\n    panes: [~]\n');
    expect(layout.windows.map((w) => [w.name, w.arrangement])).toEqual([['one', 'tiled'], ['two', 'main-vertical']]);
  });

  it('accepts anchors and merge keys (<<) for repeated pane settings', () => {
    const { layout } = load(
      'windows:\n  - name: main\n    panes:\n      - &a1 {role: agent, name: a1, command: [claude], env: {MODE: fast}}\n' +
        '      - {<<: *a1, name: a2}\n',
    );
    expect(panes(layout).map((p) => [p.name, p.role, p.command.argv, p.env['MODE']])).toEqual([
      ['a1', 'agent', ['claude'], 'fast'],
      ['a2', 'agent', ['claude'], 'fast'],
    ]);
  });

  it('stores the file it came from', () => {
    const { layout, root } = load('windows:\n  - name: main\n    panes: [~]\n');
    expect(layout.source).toBe(path.join(root, 'layouts/ok.yaml'));
  });
});
