import { afterEach, describe, expect, it } from 'vitest';
import { builtEntry } from '../helpers/built-entry.js';
import { makeProject, until, type TestProject } from '../helpers/project.js';
import { KEY, startInTerminal, type TerminalSession } from '../helpers/terminal.js';

/**
 * `miyabi conductor` against a real controller and session: the CLI's verbs (from its own command
 * table) with Tab completion of verbs, flags and agent names, did-you-mean, `@agent text` that
 * arrives, and history that survives a restart.
 */
let project: TestProject;
const terms: TerminalSession[] = [];
afterEach(async () => {
  for (const t of terms.splice(0)) t.close();
  await project?.cleanup();
});

const TAB = '\t';

describe('conductor in a real session', () => {
  it('completes verbs, flags and agents; @agent sends; did-you-mean; history survives a restart', async () => {
    builtEntry('cli/main.js', ['cli', 'ui', 'ipc', 'core', 'controller']);
    project = makeProject('miyabi-cond');
    project.write('l.yaml', 'windows:\n  - name: agents\n    panes:\n      - role: agent\n        name: worker\n        command: "env PS1=\'$ \' bash --norc --noprofile -i"\n');
    const up = await project.miyabi(['up', '--detach', '--layout', 'l.yaml']);
    expect(up.exitCode, up.stderr).toBe(0);
    // Its parts are up once `agents` answers: completion's names come from them, and a first Tab
    // while they still start (a busy machine) would find none.
    expect((await project.miyabi(['agents'])).exitCode).toBe(0);
    const bin = builtEntry('cli/main.js', []).replace(/dist\/cli\/main\.js$/, 'bin/miyabi.js');
    const open = async () => {
      const t = await startInTerminal([process.execPath, bin, 'conductor'], {
        cols: 80, rows: 24, cwd: project.root, env: { MIYABI_TMUX_SOCKET: project.tmux.socket },
      });
      terms.push(t);
      await t.waitForScreen((l) => l.some((x) => x.startsWith('miyabi>')));
      return t;
    };
    const term = await open();
    const last = (l: string[]) => [...l].reverse().find((x) => x.startsWith('miyabi>')) ?? '';

    // A verb the hand-written table never had, completed from the CLI's own definition.
    term.type('worktr' + TAB);
    await term.waitForScreen((l) => last(l) === 'miyabi> worktree');
    term.type('list --js' + TAB);
    await term.waitForScreen((l) => last(l) === 'miyabi> worktree list --json');
    term.type(KEY.ctrlC);
    // Agent names complete from the controller.
    term.type('tail wor' + TAB);
    await term.waitForScreen((l) => last(l) === 'miyabi> tail worker');
    term.type(KEY.ctrlC);

    term.type('agnets' + KEY.enter);
    await term.waitForText('unknown command agnets (did you mean agents?)');

    term.type('@worker echo conductor-says-hi' + KEY.enter);
    await term.waitForText('for worker');
    // What is being typed when the delivery notice arrives stays on the prompt line, below it.
    term.type('stat');
    await term.waitForScreen((l) => l.some((x) => /^\[msg\] \S+ delivered to worker/.test(x)) && last(l) === 'miyabi> stat', { timeoutMs: 45_000 });
    term.type(KEY.ctrlC);
    await until(async () => {
      const panes = project.tmux.tmux('list-panes', '-a', '-F', '#{pane_id} #{@miyabi_agent}');
      const id = panes.split('\n').find((l) => l.endsWith(' worker'))?.split(' ')[0];
      return id && project.tmux.tmux('capture-pane', '-p', '-t', id).includes('conductor-says-hi');
    }, 'the message typed into worker', 45_000);

    term.type('exit' + KEY.enter);
    expect(await term.waitForExit()).toBe(0);
    const again = await open();
    again.type(KEY.up);
    await again.waitForScreen((l) => last(l) === 'miyabi> exit');
    again.type(KEY.up);
    await again.waitForScreen((l) => last(l) === 'miyabi> @worker echo conductor-says-hi');
    // Ctrl-R finds it by a word from its middle; Enter runs it.
    again.type(KEY.ctrlC + '\x12' + 'says');
    await again.waitForScreen((l) => l.some((x) => x === "(reverse-i-search)`says': @worker echo conductor-says-hi"));
    again.type(KEY.enter);
    await again.waitForText('for worker');
  }, 120_000);

  it("the session's conductor pane stays after exit and C-d, saying how to detach or stop", async () => {
    builtEntry('cli/main.js', ['cli', 'ui', 'ipc', 'core', 'controller']);
    project = makeProject('miyabi-cond-exit');
    project.write('l.yaml', 'windows:\n  - name: main\n    panes:\n      - role: conductor\n      - role: agent\n        name: worker\n        command: "env PS1=\'$ \' bash --norc --noprofile -i"\n');
    const up = await project.miyabi(['up', '--detach', '--layout', 'l.yaml']);
    expect(up.exitCode, up.stderr).toBe(0);
    // Its parts are up once `agents` answers: completion's names come from them, and a first Tab
    // while they still start (a busy machine) would find none.
    expect((await project.miyabi(['agents'])).exitCode).toBe(0);
    const t = project.tmux;
    const pane = () => t.tmux('list-panes', '-a', '-F', '#{pane_id} #{@miyabi_role} #{pane_pid} #{pane_dead}').split('\n').find((l) => l.split(' ')[1] === 'conductor')!.split(' ');
    const [id, , pid] = pane();
    const screen = () => t.tmux('capture-pane', '-p', '-t', id!);
    await until(() => screen().includes('miyabi>'), 'the conductor prompt', 30_000);
    t.tmux('send-keys', '-t', id!, '-l', 'exit');
    t.tmux('send-keys', '-t', id!, 'Enter');
    await until(() => screen().includes('stays: `detach`'), 'the hint after exit', 15_000);
    t.tmux('send-keys', '-t', id!, 'C-d');
    await until(() => screen().split('stays: `detach`').length === 3, 'the hint after C-d', 15_000);
    // The same process, alive: nothing died and nothing had to be respawned.
    expect(pane().slice(2)).toEqual([pid, '0']);
    t.tmux('send-keys', '-t', id!, '-l', 'ping');
    t.tmux('send-keys', '-t', id!, 'Enter');
    await until(() => screen().includes('pong from controller'), 'ping answered after exit', 15_000);
  }, 90_000);
});
