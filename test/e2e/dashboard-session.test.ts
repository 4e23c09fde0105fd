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
  it('Enter focuses and zooms the selected agent pane; m sends a message that arrives; r restarts it', async () => {
    project = makeProject('miyabi-dash');
    project.write('miyabi-layout.yaml', 'windows:\n  - name: control\n    panes:\n      - role: shell\n  - name: agents\n    panes:\n      - role: agent\n        name: ag\n        count: 2\n        command: "env PS1=\'$ \' bash --norc --noprofile -i"\n');
    const up = await project.miyabi(['up', '--detach', '--layout', 'miyabi-layout.yaml']);
    expect(up.exitCode, up.stderr).toBe(0);
    const bin = builtEntry('cli/main.js', []).replace(/dist\/cli\/main\.js$/, 'bin/miyabi.js');
    term = await startInTerminal([process.execPath, bin, 'dashboard'], {
      cols: 80, rows: 24, cwd: project.root, env: { MIYABI_TMUX_SOCKET: project.tmux.socket },
    });
    await term.waitForScreen((l) => l.some((x) => /^.[> ] ag2\s/.test(x)) && l.some((x) => /^.[> ] ag1\s/.test(x)));
    // Select ag2 through the filter.
    term.type('/');
    await term.waitForScreen((l) => l.some((x) => x.startsWith('filter: ')));
    term.type('ag2' + KEY.enter);
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
    // The message id as send, inbox and the conductor show it (8 hex digits), not the full id.
    await term.waitForScreen((l) => l.some((x) => /^queued [0-9a-f]{8} for ag2$/.test(x)));
    await until(
      () => project.tmux.tmux('capture-pane', '-p', '-t', `${paneId}`).includes('dashboard-says-hi'),
      'the message typed into ag2', 45_000,
    ).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${(await project.miyabi(['inbox'])).stdout}\n${project.tmux.tmux('capture-pane', '-p', '-t', `${paneId}`)}`);
    });
    // r restarts the agent's pane in place (after y): a new process in the same pane.
    const pidBefore = project.tmux.tmux('display-message', '-p', '-t', `${paneId}`, '#{pane_pid}').trim();
    term.type('r');
    await term.waitForText('restart ag2? (y/n)');
    term.type('y');
    await term.waitForText('restarted ag2');
    expect(project.tmux.tmux('display-message', '-p', '-t', `${paneId}`, '#{pane_pid}').trim()).not.toBe(pidBefore);
  }, 120_000);

  it("200x50: an agent's work shows as +/- and activity in its row, and the diff panel shows the patch against HEAD", async () => {
    project = makeProject('miyabi-dash-diff');
    project.write('miyabi-layout.yaml', 'windows:\n  - name: agents\n    panes:\n      - role: agent\n        name: ag\n        command: "env PS1=\'$ \' bash --norc --noprofile -i"\n');
    const up = await project.miyabi(['up', '--detach', '--layout', 'miyabi-layout.yaml']);
    expect(up.exitCode, up.stderr).toBe(0);
    const bin = builtEntry('cli/main.js', []).replace(/dist\/cli\/main\.js$/, 'bin/miyabi.js');
    term = await startInTerminal([process.execPath, bin, 'dashboard'], {
      cols: 200, rows: 50, cwd: project.root, env: { MIYABI_TMUX_SOCKET: project.tmux.socket },
    });
    const row = (l: string[]) => l.find((x) => /^.[> ] ag\s/.test(x)) ?? '';
    // The layout file is the checkout's one change so far: 6 new lines.
    await term.waitForScreen((l) => l.some((x) => /\+\/-\s+ACTIVITY/.test(x)) && row(l).includes('+6/-0'), { timeoutMs: 30_000 });
    // The agent is told to write a file: its delivery is activity, and its row is measured again.
    term.type('m');
    await term.waitForScreen((l) => l.some((x) => x.startsWith('message to ag: ')));
    term.type("printf 'one\\ntwo\\n' > made-by-agent.txt; seq 1 200" + KEY.enter);
    await term.waitForScreen((l) => row(l).includes('+8/-0') && /[\u2581-\u2588]/.test(row(l)), { timeoutMs: 45_000 }).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${term?.screen().join('\n')}`);
    });
    // Tab to the diff panel: what it measures against, the file, the patch.
    term.type('\t');
    await term.waitForText('[preview]');
    term.type('\t');
    await term.waitForText('[diff]');
    await term.waitForScreen((l) => l.some((x) => x.includes('ag against HEAD') && l.some((y) => y.includes('+8 -0 in 2 files'))) && l.some((x) => /\+2\s+-0\s+made-by-agent\.txt/.test(x)));
    await term.waitForText('  made-by-agent.txt');
  }, 120_000);
});
