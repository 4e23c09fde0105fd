import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtEntry } from '../helpers/built-entry.js';
import { makeProject, until, type TestProject } from '../helpers/project.js';
import { KEY, startInTerminal, type TerminalSession } from '../helpers/terminal.js';

/**
 * The dashboard against a real controller and session: Enter shows the selected agent's pane in
 * tmux (zoomed), `m` writes a message that arrives in that agent's pane.
 */
let project: TestProject;
let term: TerminalSession | undefined;
beforeAll(() => {
  builtEntry('cli/main.js', ['cli', 'ui', 'ipc', 'core', 'controller']);
}, 180_000);
afterEach(async () => {
  term?.close();
  await project?.cleanup();
});

describe('dashboard in a real session', () => {
  it('Enter focuses and zooms the selected agent pane; m sends a message that arrives', async () => {
    project = makeProject('miyabi-dash');
    project.write('miyabi-layout.yaml', 'windows:\n  - name: control\n    panes:\n      - shell\n  - name: agents\n    panes:\n      - role: agent\n        name: ag\n        count: 2\n        command: "env PS1=\'$ \' bash --norc --noprofile -i"\n');
    const up = await project.miyabi(['up', '--detach', '--layout', 'miyabi-layout.yaml']);
    expect(up.exitCode, up.stderr).toBe(0);
    const bin = builtEntry('cli/main.js', []).replace(/dist\/cli\/main\.js$/, 'bin/miyabi.js');
    term = await startInTerminal([process.execPath, bin, 'dashboard'], {
      cols: 80, rows: 24, cwd: project.root, env: { MIYABI_TMUX_SOCKET: project.tmux.socket },
    });
    await term.waitForScreen((l) => l.some((x) => /^.[> ] ag2\s/.test(x)) && l.some((x) => /^.[> ] ag1\s/.test(x)));
    // Select ag2 (rows sort by state, then name: find it by moving until the preview names it).
    for (let i = 0; i < 2 && !term.screen().some((x) => /^.name\s+ag2\b/.test(x)); i++) {
      term.type('j');
      await until(() => term!.screen().some((x) => /^.name\s+ag\d\b/.test(x)), 'a preview');
    }
    await term.waitForScreen((l) => l.some((x) => /^.name\s+ag2\s+\(pane (%\d+)\)/.test(x)));
    const paneId = /\(pane (%\d+)\)/.exec(term.screen().find((x) => /^.name\s+ag2/.test(x)) ?? '')?.[1];
    expect(paneId).toBeDefined();

    term.type(KEY.enter);
    await term.waitForText('showing ag2');
    const [active, zoomed] = project.tmux.tmux('display-message', '-p', '-t', `${paneId}`, '#{?window_active,1,0} #{window_zoomed_flag}').trim().split(' ');
    expect(active).toBe('1');
    expect(zoomed).toBe('1');
    const activePane = project.tmux.tmux('display-message', '-p', '-t', `${paneId}`, '#{pane_active}').trim();
    expect(activePane).toBe('1');

    term.type('m');
    await term.waitForScreen((l) => l.some((x) => x.startsWith('message to ag2: ')));
    term.type('echo dashboard-says-hi');
    term.type(KEY.enter);
    await term.waitForText('queued');
    await until(
      () => project.tmux.tmux('capture-pane', '-p', '-t', `${paneId}`).includes('dashboard-says-hi'),
      'the message typed into ag2', 45_000,
    ).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${(await project.miyabi(['inbox'])).stdout}\n${project.tmux.tmux('capture-pane', '-p', '-t', `${paneId}`)}`);
    });
  }, 120_000);
});
