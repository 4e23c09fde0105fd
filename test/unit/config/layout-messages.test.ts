/** The per-pane `profile` and `messages` settings of the message bus. */
import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../../src/config/load-layout.js';
import { formatIssue } from '../../../src/config/config-issue.js';
import { MIYABI_BIN, tempProject, testEnv, writeFile } from './temp-project.js';

function load(pane: string) {
  const root = tempProject();
  writeFile(root, 'layouts/m.yaml', `windows:\n  - name: main\n    panes:\n      - role: agent\n        name: a1\n${pane}`);
  return loadLayout({ ref: 'm', projectRoot: root, cwd: root, miyabiBin: MIYABI_BIN, env: testEnv() });
}

describe('pane message settings', () => {
  it('maps the snake_case keys onto the normalized pane', () => {
    const r = load(
      '        profile: claude\n        messages:\n          header: false\n          delivery: notice\n          batch: true\n' +
        '          submit_key: C-m\n          submit_delay_ms: 150\n          settle_ms: 0\n          ready_grace_ms: 500\n          relay: "^>> (?<to>\\\\w+) (?<text>.+)$"\n          inbox_cap: 50\n',
    );
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    const pane = r.value.windows[0]!.panes[0]!;
    expect(pane.profile).toBe('claude');
    expect(pane.messages).toEqual({
      header: false,
      delivery: 'notice',
      batch: true,
      submitKey: 'C-m',
      submitDelayMs: 150,
      settleMs: 0,
      readyGraceMs: 500,
      relay: '^>> (?<to>\\w+) (?<text>.+)$',
      inboxCap: 50,
    });
  });

  it.each([
    ['        profile: gpt\n', 6, 'windows[0].panes[0].profile', 'shell'],
    ['        messages:\n          submit_key: "Enter; kill-server"\n', 7, 'submit_key', 'tmux key name'],
    ['        messages:\n          relay: "(unclosed"\n', 7, 'relay', 'not a valid regular expression'],
    ['        messages:\n          inbox_cap: 0\n', 7, 'inbox_cap', 'expected at least 1'],
    ['        messages:\n          headr: x\n', 7, 'headr', 'header'],
    ['        messages:\n          delivery: paste\n', 7, 'delivery', 'notice'],
  ])('refuses %j at line %i', (pane, line, field, fragment) => {
    const r = load(pane);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.issues.map(formatIssue).join('\n');
    expect(text).toContain(`:${line}:`);
    expect(text).toContain(field);
    expect(text).toContain(fragment);
  });
});

describe('count: a prefix and a number of agents', () => {
  it('makes <name>1 … <name>N, each its own agent', () => {
    const r = load('        count: 3\n        worktree: true\n');
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    expect(r.value.windows[0]!.panes.map((p) => [p.name, p.worktree !== undefined])).toEqual([
      ['a11', true],
      ['a12', true],
      ['a13', true],
    ]);
  });

  it('refuses names that collide with another pane, naming both lines', () => {
    const root = tempProject();
    writeFile(root, 'layouts/c.yaml', 'windows:\n  - name: main\n    panes:\n      - {role: agent, name: w, count: 2}\n      - {role: agent, name: w2}\n');
    const r = loadLayout({ ref: 'c', projectRoot: root, cwd: root, miyabiBin: MIYABI_BIN, env: testEnv() });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map(formatIssue).join('\n')).toMatch(/c\.yaml:5:\d+ windows\[0\]\.panes\[1\]\.name: duplicate pane name "w2", also used at windows\[0\]\.panes\[0\]\.name \(line 4/);
  });
});
