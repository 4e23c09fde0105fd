/**
 * `miyabi validate` on what a new user brings: a tmuxinator or tmuxp project file (checked as
 * `up --layout` reads it, what it cannot map warned at file:line) and the project's feedback.yaml
 * (every problem at file:line:col), found by name and among the project's default files.
 */
import { describe, expect, it } from 'vitest';
import { defaultFiles, validateFiles } from '../../../src/cli/verbs/validate.js';
import { formatIssue } from '../../../src/config/config-issue.js';
import { tempProject, writeFile } from '../config/temp-project.js';

const lines = (r: ReturnType<typeof validateFiles>) => [...r.errors, ...r.warnings].map(formatIssue);

describe('validate: tmuxinator and tmuxp files', () => {
  it('reads a tmuxinator file as up --layout does and lists what it cannot map, with file:line', () => {
    const root = tempProject();
    const f = writeFile(root, 'blog.yml', [
      'name: blog', 'root: .', 'startup_window: editor', 'attach: false', 'on_project_start: make db',
      'tabs:', '  - editor:', '      layout: main-vertical', '      synchronize: after', '      panes:', '        - vim', '        - claude', '  - server: npm start', '',
    ].join('\n'));
    const r = validateFiles([f], root, root);
    expect(r.foreign).toEqual([{ file: 'blog.yml', kind: 'tmuxinator' }]);
    expect(r.errors).toEqual([]);
    expect(lines(r)).toEqual([
      'blog.yml:3:1 startup_window: warning: startup_window is not mapped: miyabi shows the first window, its first pane selected',
      'blog.yml:4:1 attach: warning: attach is not mapped: `miyabi up` attaches unless given --detach',
      'blog.yml:5:1 on_project_start: warning: on_project_start is not mapped: miyabi runs no project hooks; run it yourself before `miyabi up`',
      'blog.yml:9:7 tabs[0].editor.synchronize: warning: synchronize is not mapped: miyabi does not synchronize panes',
    ]);
  });

  it('reads a tmuxp file; enter: false, pauses and focus are said, a wrong shape is an error at its line', () => {
    const root = tempProject();
    const f = writeFile(root, 'api.yaml', [
      'session_name: api', 'windows:', '  - window_name: code', '    focus: true', '    panes:',
      '      - shell_command: [codex]', '        sleep_before: 2', '      - shell_command: make deploy', '        enter: false',
      '      - shell_command: ls', '        enter: true', '  - window_name: broken', '    panes:', '      - shell_command: [[1]]', '',
    ].join('\n'));
    const r = validateFiles([f], root, root);
    expect(r.foreign).toEqual([{ file: 'api.yaml', kind: 'tmuxp' }]);
    expect(lines(r)).toEqual([
      'api.yaml:14:25 windows[1].panes[0].shell_command[0]: expected a command (text)',
      'api.yaml:4:5 windows[0].focus: warning: focus is not mapped: miyabi shows the first window, its first pane selected',
      'api.yaml:7:9 windows[0].panes[0].sleep_before: warning: sleep_before is not mapped: the commands run one after another without pauses',
      'api.yaml:9:9 windows[0].panes[1].enter: warning: enter is not mapped: the commands are run, not left typed at the prompt',
    ]);
  });
});

describe('validate: feedback.yaml', () => {
  it('checks it by name, every problem at file:line:col, and is among the default files', () => {
    const root = tempProject();
    const f = writeFile(root, 'feedback.yaml', 'notify:\n  quiet_hours: "25:00-07:00"\n  routez: {}\nmetrics_port: 99999\n');
    expect(defaultFiles(root)).toContain(f);
    const r = validateFiles([f], root, root);
    expect(lines(r)).toEqual([
      'feedback.yaml:2:16 notify.quiet_hours: expected HH:MM-HH:MM in local time, e.g. "22:00-07:00"',
      'feedback.yaml:3:3 notify.routez: unknown key "routez" (did you mean "routes"?); allowed keys: routes, quiet_hours, dedupe, webhook, command',
      'feedback.yaml:4:15 metrics_port: too big: expected at most 65535 (number)',
    ]);
    writeFile(root, 'feedback.yaml', 'notify:\n  routes: { agent.waiting: [tmux] }\n  quiet_hours: "22:00-07:00"\n');
    expect(validateFiles([f], root, root).errors).toEqual([]);
  });
});
