/**
 * RELIABILITY.md B8 and B9 for layouts: every broken file is refused, and each problem is reported
 * with its exact line:col, the field path and what was expected.
 */
import { describe, expect, it } from 'vitest';
import { formatIssue, type ConfigIssue } from '../../../src/config/config-issue.js';
import { loadLayout } from '../../../src/config/load-layout.js';
import { MIYABI_BIN, tempProject, testEnv, writeFile } from './temp-project.js';

interface Expected {
  line: number;
  col?: number;
  path: string;
  message: string;
}

interface BadCase {
  name: string;
  /** null: no file at all. */
  yaml: string | Uint8Array | null;
  issues: Expected[];
}

/** A one-window layout whose single pane is `pane` (YAML text indented under `panes:`). */
function withPane(pane: string): string {
  return `windows:\n  - name: main\n    panes:\n${pane}`;
}

/** An agent pane named `name` (written as a YAML double-quoted string) — name is on line 5, col 15. */
function agentNamed(name: string): string {
  return withPane(`      - role: agent\n        name: ${JSON.stringify(name)}\n`);
}

const ALLOWED = 'allowed: a lowercase letter';

const cases: BadCase[] = [
  {
    name: 'bad YAML syntax (unclosed flow list)',
    yaml: 'windows:\n  - name: main\n    panes: [a, b\n  - name: two\n',
    issues: [{ line: 4, col: 3, path: 'windows[1]', message: 'Flow sequence in block collection must be sufficiently indented and end with a ]' }],
  },
  {
    name: 'tab indentation',
    yaml: 'windows:\n  - name: main\n    panes:\n\t- role: shell\n',
    issues: [{ line: 4, col: 1, path: '', message: 'tab character in indentation' }],
  },
  {
    name: 'duplicate key',
    yaml: 'windows:\n  - name: main\n    panes: [~]\n    name: other\n',
    issues: [{ line: 4, col: 5, path: 'windows[0].name', message: 'duplicate key "name"' }],
  },
  {
    name: 'unknown top-level key, with a suggestion and the allowed keys',
    yaml: 'sesion: dev\nwindows:\n  - name: main\n    panes: [~]\n',
    issues: [{ line: 1, col: 1, path: 'sesion', message: 'unknown key "sesion" (did you mean "session"?); allowed keys: session, root, env, worktrees, recovery, windows' }],
  },
  {
    name: 'unknown window key (and so panes missing)',
    yaml: 'windows:\n  - name: main\n    panse: [~]\n',
    issues: [
      { line: 2, col: 5, path: 'windows[0].panes', message: 'is required: expected a list' },
      { line: 3, col: 5, path: 'windows[0].panse', message: 'unknown key "panse" (did you mean "panes"?); allowed keys: name, layout, panes' },
    ],
  },
  {
    name: 'unknown pane key',
    yaml: withPane('      - role: shell\n        comand: ls\n'),
    issues: [{ line: 5, col: 9, path: 'windows[0].panes[0].comand', message: 'unknown key "comand" (did you mean "command"?); allowed keys: role, name, command, cwd, env' }],
  },
  {
    // A whole tmuxp file is read as one (foreign-layout.test.ts); a tmuxp key inside a miyabi layout gets a hint.
    name: 'tmuxp spellings in a miyabi layout get a hint',
    yaml: 'session: dev\nwindows:\n  - name: main\n    panes:\n      - shell_command: [vim]\n',
    issues: [
      { line: 5, col: 9, path: 'windows[0].panes[0].shell_command', message: 'unknown key "shell_command" (did you mean "command"?); allowed keys: role, name, command, cwd, env' },
    ],
  },
  {
    name: 'windows is a string',
    yaml: 'windows: main\n',
    issues: [{ line: 1, col: 10, path: 'windows', message: 'expected a list, got a string ("main")' }],
  },
  {
    name: 'panes is a number',
    yaml: 'windows:\n  - name: main\n    panes: 3\n',
    issues: [{ line: 3, col: 12, path: 'windows[0].panes', message: 'expected a list, got a number (3)' }],
  },
  {
    name: 'env value is a list',
    yaml: 'env:\n  PATH: [a, b]\nwindows:\n  - name: main\n    panes: [~]\n',
    issues: [{ line: 2, col: 9, path: 'env.PATH', message: 'expected a string, got a list' }],
  },
  {
    name: 'env value is a number (not silently turned into text)',
    yaml: withPane('      - env:\n          PORT: 3000\n'),
    issues: [{ line: 5, col: 17, path: 'windows[0].panes[0].env.PORT', message: 'quote numbers and booleans' }],
  },
  {
    name: 'env key is not a variable name',
    yaml: 'env:\n  MY-VAR: x\nwindows:\n  - name: main\n    panes: [~]\n',
    issues: [{ line: 2, col: 3, path: 'env.MY-VAR', message: 'not a valid environment variable name' }],
  },
  {
    name: 'empty windows list',
    yaml: 'windows: []\n',
    issues: [{ line: 1, col: 10, path: 'windows', message: 'must not be empty' }],
  },
  {
    name: 'empty panes list',
    yaml: 'windows:\n  - name: main\n    panes: []\n',
    issues: [{ line: 3, col: 12, path: 'windows[0].panes', message: 'must not be empty' }],
  },
  {
    name: 'duplicate agent names name both places',
    yaml: withPane('      - role: agent\n        name: agent-1\n      - role: agent\n        name: agent-1\n'),
    issues: [{ line: 7, col: 15, path: 'windows[0].panes[1].name', message: 'duplicate pane name "agent-1", also used at windows[0].panes[0].name (line 5, col 15)' }],
  },
  ...(
    [
      ['a colon', 'a:b', 'contains ":"'],
      ['a dot', 'a.b', 'contains "."'],
      ['a path', '../x', 'contains "."'],
      ['a slash', 'a/b', 'contains "/"'],
      ['a space', 'my agent', 'contains " "'],
      ['a format #{…}', '#{pane_id}', 'contains "#"'],
      ['a command #(…)', 'x#(rm -rf ~)', 'contains "#"'],
      ['a leading -', '-x', 'must start with a lowercase letter'],
      ['200 characters', 'a'.repeat(200), 'is 200 characters long (at most 32)'],
      ['nothing', '', 'is empty'],
      ['a right-to-left override', 'evil\u202egnp', 'contains "\\u{202E}"'],
      ['a zero-width space', 'agent\u200b1', 'contains "\\u{200B}"'],
      ['upper case', 'Agent', 'contains "A"'],
    ] as const
  ).map(([what, name, message]): BadCase => ({
    name: `agent name with ${what}`,
    yaml: agentNamed(name),
    issues: [{ line: 5, col: 15, path: 'windows[0].panes[0].name', message: `${message}` }],
  })),
  {
    name: 'agent without a name',
    yaml: withPane('      - role: agent\n        command: claude\n'),
    issues: [{ line: 4, col: 9, path: 'windows[0].panes[0]', message: 'an agent pane needs a name' }],
  },
  {
    name: 'unknown role',
    yaml: withPane('      - role: robot\n'),
    issues: [{ line: 4, col: 15, path: 'windows[0].panes[0].role', message: 'expected one of: conductor, dashboard, agent, shell; got a string ("robot")' }],
  },
  {
    name: 'unknown tmux layout, with a suggestion',
    yaml: 'windows:\n  - name: main\n    layout: tiles\n    panes: [~]\n',
    issues: [{ line: 3, col: 13, path: 'windows[0].layout', message: 'expected one of: tiled, even-horizontal, even-vertical, main-horizontal, main-vertical; got a string ("tiles") (did you mean "tiled"?)' }],
  },
  {
    name: 'two conductors',
    yaml: withPane('      - role: conductor\n      - role: conductor\n'),
    issues: [{ line: 5, col: 15, path: 'windows[0].panes[1].role', message: 'a second conductor pane; a layout has at most one (the first is windows[0].panes[0].role (line 4, col 15))' }],
  },
  {
    name: 'two dashboards in different windows',
    yaml: 'windows:\n  - name: a\n    panes: [{role: dashboard}]\n  - name: b\n    panes: [{role: dashboard}]\n',
    issues: [{ line: 5, col: 20, path: 'windows[1].panes[0].role', message: 'a second dashboard pane; a layout has at most one (the first is windows[0].panes[0].role (line 3, col 20))' }],
  },
  {
    name: 'duplicate window names',
    yaml: 'windows:\n  - name: main\n    panes: [~]\n  - name: main\n    panes: [~]\n',
    issues: [{ line: 4, col: 11, path: 'windows[1].name', message: 'duplicate window name "main", also used at windows[0].name (line 2, col 11)' }],
  },
  {
    name: 'bad session name',
    yaml: 'session: "my.session"\nwindows:\n  - name: main\n    panes: [~]\n',
    issues: [{ line: 1, col: 10, path: 'session', message: `contains "."; ${ALLOWED}` }],
  },
  {
    name: 'bad window name',
    yaml: 'windows:\n  - name: "#(reboot)"\n    panes: [~]\n',
    issues: [{ line: 2, col: 11, path: 'windows[0].name', message: `contains "#"; ${ALLOWED}` }],
  },
  {
    name: 'window without a name',
    yaml: 'windows:\n  - panes: [~]\n',
    issues: [{ line: 2, col: 5, path: 'windows[0].name', message: 'is required: expected a string' }],
  },
  {
    name: 'windows missing',
    yaml: 'session: dev\n',
    issues: [{ line: 1, col: 1, path: 'windows', message: 'is required: expected a list' }],
  },
  {
    name: 'empty file',
    yaml: '# nothing here\n',
    issues: [{ line: 1, col: 1, path: '', message: 'expected a mapping (key: value), got an empty value' }],
  },
  {
    name: 'a pane that is a number',
    yaml: withPane('      - 5\n'),
    issues: [{ line: 4, col: 9, path: 'windows[0].panes[0]', message: 'expected a string, an empty value or a mapping (key: value); got a number (5)' }],
  },
  {
    name: 'command of the wrong type',
    yaml: withPane('      - command: 42\n'),
    issues: [{ line: 4, col: 18, path: 'windows[0].panes[0].command', message: 'expected a string or a list; got a number (42)' }],
  },
  {
    name: 'empty argv list',
    yaml: withPane('      - command: []\n'),
    issues: [{ line: 4, col: 18, path: 'windows[0].panes[0].command', message: 'must not be empty' }],
  },
  {
    name: 'argv item that is not a string',
    yaml: withPane('      - command: [ls, 3]\n'),
    issues: [{ line: 4, col: 23, path: 'windows[0].panes[0].command[1]', message: 'expected a string, got a number (3)' }],
  },
  {
    name: 'NUL byte in a command',
    yaml: withPane('      - command: "echo \\0"\n'),
    issues: [{ line: 4, col: 18, path: 'windows[0].panes[0].command', message: 'contains a NUL character' }],
  },
  {
    name: 'two YAML documents',
    yaml: 'windows: []\n---\nwindows: []\n',
    issues: [{ line: 2, col: 1, path: '', message: 'more than one YAML document' }],
  },
  {
    name: 'an alias bomb',
    yaml:
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n' +
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n' +
      'windows:\n  - name: main\n    panes: [~]\n',
    issues: [{ line: 2, col: 8, path: 'b[0]', message: 'alias bomb' }],
  },
  {
    name: 'nesting deep enough to overflow the parser',
    yaml: `windows: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    issues: [{ line: 1, col: 74, path: '', message: 'nested more than 64 levels deep' }],
  },
  {
    name: 'non-UTF-8 bytes',
    yaml: Buffer.concat([Buffer.from('windows:\n  - name: main\n    panes: ["caf'), Buffer.from([0xe9]), Buffer.from('"]\n')]),
    issues: [{ line: 3, col: 17, path: '', message: 'not valid UTF-8 (byte 0xE9 at offset 40); save the file as UTF-8' }],
  },
  {
    name: 'missing file',
    yaml: null,
    issues: [{ line: 0, col: 0, path: '', message: 'file not found: /' }],
  },
  {
    name: 'a file over 1 MiB',
    yaml: `windows:\n  - name: main\n    panes: [~]\n${'#'.repeat(1024 * 1024)}\n`,
    issues: [{ line: 0, col: 0, path: '', message: 'a config file may be at most 1.0 MiB' }],
  },
  {
    name: 'a recovery limit that is not a count',
    yaml: 'recovery:\n  pane: {limit: 0}\nwindows:\n  - name: main\n    panes: [~]\n',
    issues: [{ line: 2, col: 17, path: 'recovery.pane.limit', message: 'too small: expected at least 1' }],
  },
];

function load(yaml: string | Uint8Array | null, extra: string[] = []): { issues: ConfigIssue[]; root: string } {
  const root = tempProject();
  for (const dir of extra) writeFile(root, `${dir}/.keep`, '');
  if (yaml !== null) writeFile(root, 'layouts/bad.yaml', yaml);
  const r = loadLayout({ ref: 'layouts/bad.yaml', projectRoot: root, cwd: root, miyabiBin: MIYABI_BIN, env: testEnv() });
  if (r.ok) throw new Error('expected the layout to be refused');
  return { issues: r.issues, root };
}

function expectIssues(actual: ConfigIssue[], expected: Expected[]): void {
  const shown = actual.map(formatIssue).join('\n');
  expect(actual.length, shown).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i];
    expect(a, shown).toBeDefined();
    if (a === undefined) return;
    expect(a.file, shown).toBe('layouts/bad.yaml');
    expect(a.line, shown).toBe(e.line);
    if (e.col !== undefined) expect(a.col, shown).toBe(e.col);
    expect(a.path, shown).toBe(e.path);
    expect(a.message, shown).toContain(e.message);
    expect(a.severity).toBe('error');
  });
}

describe('broken layouts are refused with file:line:col, the field path and what was expected', () => {
  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectIssues(load(c.yaml).issues, c.issues);
  });

  it('formats an issue as file:line:col path: message', () => {
    const { issues } = load(agentNamed('a:b'));
    expect(issues.map(formatIssue)).toEqual([
      'layouts/bad.yaml:5:15 windows[0].panes[0].name: contains ":"; allowed: a lowercase letter, then up to 31 of a-z 0-9 _ - (e.g. "agent-1")',
    ]);
  });
});

describe('every problem in a file is reported at once', () => {
  it('reports schema problems and rule problems together, in line order', () => {
    const yaml = [
      'sesion: dev', // 1
      'env:', // 2
      '  PORT: 3000', // 3
      'windows:', // 4
      '  - name: main', // 5
      '    layout: grid', // 6
      '    panes:', // 7
      '      - role: conductor', // 8
      '      - role: conductor', // 9
      '      - role: agent', // 10
      '        name: "a:b"', // 11
      '      - role: agent', // 12
      '      - role: agent', // 13
      '        name: agent-1', // 14
      '        cwd: nowhere', // 15
      '      - role: agent', // 16
      '        name: agent-1', // 17
      '',
    ].join('\n');
    const { issues, root } = load(yaml);
    expectIssues(issues, [
      { line: 1, col: 1, path: 'sesion', message: 'unknown key "sesion"' },
      { line: 3, col: 9, path: 'env.PORT', message: 'expected a string, got a number (3000)' },
      { line: 6, col: 13, path: 'windows[0].layout', message: 'expected one of: tiled' },
      { line: 9, col: 15, path: 'windows[0].panes[1].role', message: 'a second conductor pane' },
      { line: 11, col: 15, path: 'windows[0].panes[2].name', message: 'contains ":"' },
      { line: 12, col: 9, path: 'windows[0].panes[3]', message: 'an agent pane needs a name' },
      { line: 15, col: 14, path: 'windows[0].panes[4].cwd', message: `folder does not exist: ${root}/nowhere` },
      { line: 17, col: 15, path: 'windows[0].panes[5].name', message: 'duplicate pane name "agent-1", also used at windows[0].panes[4].name (line 14, col 15)' },
    ]);
  });

  it('reports several bad names in one file', () => {
    const yaml = withPane(
      ['      - {role: agent, name: "a.b"}', '      - {role: agent, name: "-x"}', '      - {role: agent, name: "x y"}', ''].join('\n'),
    );
    expectIssues(load(yaml).issues, [
      { line: 4, col: 29, path: 'windows[0].panes[0].name', message: 'contains "."' },
      { line: 5, col: 29, path: 'windows[0].panes[1].name', message: 'must start with a lowercase letter' },
      { line: 6, col: 29, path: 'windows[0].panes[2].name', message: 'contains " "' },
    ]);
  });

  it('reports tabs on every line that has them', () => {
    const yaml = 'windows:\n\t- name: main\n\t  panes: [~]\n';
    expectIssues(load(yaml).issues, [
      { line: 2, col: 1, path: '', message: 'tab character in indentation' },
      { line: 3, col: 1, path: '', message: 'tab character in indentation' },
    ]);
  });
});

describe('folders must exist', () => {
  it('refuses a root that does not exist, relative to the project root', () => {
    const { issues, root } = load('root: build/out\nwindows:\n  - name: main\n    panes: [{cwd: src}]\n');
    expectIssues(issues, [{ line: 1, col: 7, path: 'root', message: `folder does not exist: ${root}/build/out (root is relative to the project root ${root})` }]);
  });

  it('refuses a cwd that does not exist under an existing root', () => {
    const { issues, root } = load('root: app\nwindows:\n  - name: main\n    panes:\n      - cwd: src\n      - cwd: lib\n', ['app/src']);
    expectIssues(issues, [{ line: 6, col: 14, path: 'windows[0].panes[1].cwd', message: `folder does not exist: ${root}/app/lib (cwd is relative to the layout root ${root}/app)` }]);
  });

  it('refuses a cwd that is a file, not a folder', () => {
    const root = tempProject();
    writeFile(root, 'notes.txt', 'x');
    writeFile(root, 'layouts/bad.yaml', withPane('      - cwd: notes.txt\n'));
    const r = loadLayout({ ref: 'layouts/bad.yaml', projectRoot: root, cwd: root, miyabiBin: MIYABI_BIN, env: testEnv() });
    expect(r.ok).toBe(false);
    if (!r.ok) expectIssues(r.issues, [{ line: 4, col: 14, path: 'windows[0].panes[0].cwd', message: `not a folder: ${root}/notes.txt` }]);
  });
});
