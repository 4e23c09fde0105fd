import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtEntry } from '../helpers/built-entry.js';
import { pane, samplePanes, startFakeController, type FakeController } from '../helpers/fake-controller.js';
import { KEY, startInTerminal, type TerminalSession } from '../helpers/terminal.js';

/**
 * The dashboard in a real terminal (a tmux pane, driven through a tmux client in node-pty),
 * against a fake controller: what a person sees and what their keys do.
 */
let entry: string;
beforeAll(() => {
  entry = builtEntry('ui/dashboard/main.js', ['ui', 'ipc', 'core']);
}, 180_000);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(extra: string[] = []): Promise<{ fc: FakeController; term: TerminalSession }> {
  const fc = await startFakeController();
  cleanups.push(() => fc.dispose());
  const term = await startInTerminal([process.execPath, entry, '--socket', fc.socketPath, ...extra]);
  cleanups.push(() => term.close());
  return { fc, term };
}

/** The pane-table row naming `name` (the list draws one row per pane). */
function rowOf(lines: string[], name: string): string | undefined {
  return lines.find((l) => new RegExp(`\\s${name}\\s+%\\d`).test(l));
}
function markedRow(lines: string[]): string | undefined {
  return lines.find((l) => /^.> /.test(l));
}
/** The detail box's "name" line. */
function detailName(lines: string[]): string | undefined {
  return lines.map((l) => /^.name\s+(\S+)/.exec(l)?.[1]).find((x) => x !== undefined);
}

describe('dashboard in a terminal', () => {
  it('shows the session and panes, moves the selection with j/k, and leaves with q (exit 0)', async () => {
    const { term } = await start();
    let screen = await term.waitForScreen((l) => rowOf(l, 'agent-2') !== undefined);
    expect(screen[0]).toContain('session demo-session');
    expect(screen[0]).toContain('controller pid 31337');
    expect(screen[0]).toContain('connected');
    for (const p of samplePanes()) expect(rowOf(screen, p.name)).toContain(p.paneId);
    expect(rowOf(screen, 'agent-2')).toContain('claude --name agent-2');
    expect(screen.some((l) => l.includes('j/down next') && l.includes('q quit'))).toBe(true);
    // The first pane is selected: marker, detail box.
    expect(markedRow(screen)).toContain('conductor');
    expect(detailName(screen)).toBe('conductor');

    term.type('j');
    screen = await term.waitForScreen((l) => markedRow(l)?.includes('dashboard') === true);
    expect(detailName(screen)).toBe('dashboard');
    // The highlight (reverse video) is on that row too.
    const attrs = term.screenWithAttributes();
    const highlighted = attrs.filter((l) => l.includes('\x1b[7m'));
    expect(highlighted.some((l) => l.includes('dashboard') && l.includes('%1'))).toBe(true);
    expect(highlighted.some((l) => l.includes('%0'))).toBe(false);

    term.type('j');
    screen = await term.waitForScreen((l) => markedRow(l)?.includes('agent-1') === true);
    expect(detailName(screen)).toBe('agent-1');

    term.type('k');
    screen = await term.waitForScreen((l) => markedRow(l)?.includes('dashboard') === true);
    expect(detailName(screen)).toBe('dashboard');

    term.type('G');
    await term.waitForScreen((l) => markedRow(l)?.includes('agent-2') === true && detailName(l) === 'agent-2');
    term.type('j'); // already last: stays
    term.type('g');
    await term.waitForScreen((l) => markedRow(l)?.includes('conductor') === true && detailName(l) === 'conductor');

    term.type(KEY.down);
    await term.waitForScreen((l) => detailName(l) === 'dashboard');
    term.type(KEY.up);
    await term.waitForScreen((l) => detailName(l) === 'conductor');

    term.type('q');
    expect(await term.waitForExit()).toBe(0);
    expect(term.alternateScreen()).toBe(false);
  });

  it('C-c leaves with exit code 0 too', async () => {
    const { term } = await start();
    await term.waitForText('agent-2');
    term.type(KEY.ctrlC);
    expect(await term.waitForExit()).toBe(0);
    expect(term.alternateScreen()).toBe(false);
  });

  it('SIGTERM restores the terminal and exits 0', async () => {
    const { term } = await start();
    await term.waitForText('agent-2');
    expect(term.alternateScreen()).toBe(true);
    // The pane runs `sh` (see terminal.ts), and the dashboard is its only child.
    const shPid = term.tmux.tmux('display-message', '-p', '-t', 'e2e', '#{pane_pid}').trim();
    const child = execFileSync('pgrep', ['-P', shPid], { encoding: 'utf8' }).trim().split('\n');
    expect(child).toHaveLength(1);
    process.kill(Number(child[0]), 'SIGTERM');
    expect(await term.waitForExit()).toBe(0);
    expect(term.alternateScreen()).toBe(false);
  });

  it('shows the newest pipeline runs and follows them from the journal events', async () => {
    const fc = await startFakeController();
    cleanups.push(() => fc.dispose());
    fc.runs = [{ runId: 'dev-20261125-110000-aaaa', pipeline: 'dev', status: 'failed', startedAt: Date.now() - 60_000, durationMs: 4200, stages: [{ name: 'build', outcome: 'passed' }, { name: 'deploy', outcome: 'failed' }] }];
    const term = await startInTerminal([process.execPath, entry, '--socket', fc.socketPath]);
    cleanups.push(() => term.close());
    await term.waitForScreen((l) => l.some((x) => /dev-20261125-110000-aaaa\s+failed\s+4\.2 s\s+last deploy/.test(x)));
    fc.emit('run.started', { runId: 'dev-20261125-120000-bbbb', pipeline: 'dev' });
    fc.emit('stage.started', { runId: 'dev-20261125-120000-bbbb', stage: 'lint', attempt: 1 });
    let screen = await term.waitForScreen((l) => l.some((x) => /dev-20261125-120000-bbbb\s+running\s+.*at lint/.test(x)));
    // Newest first.
    const order = ['bbbb', 'aaaa'].map((id) => screen.findIndex((x) => x.includes(`120000-${id}`) || x.includes(`110000-${id}`)));
    expect(order[0]).toBeLessThan(order[1] as number);
    fc.emit('run.finished', { runId: 'dev-20261125-120000-bbbb', outcome: 'succeeded', durationMs: 1500 });
    screen = await term.waitForScreen((l) => l.some((x) => /dev-20261125-120000-bbbb\s+succeeded\s+1\.5 s\s+last lint/.test(x)));
    expect(rowOf(screen, 'agent-2')).toBeDefined();
    term.type('q');
    expect(await term.waitForExit()).toBe(0);
  });

  it('refreshes on journal events and keeps the selection on the same pane', async () => {
    // A long poll period: only the event can explain the refresh.
    const { fc, term } = await start(['--poll', '600000']);
    await term.waitForText('agent-2');
    term.type('j');
    term.type('j');
    await term.waitForScreen((l) => detailName(l) === 'agent-1');

    // A new pane appears first in the list and agent-1 dies: the selection follows agent-1.
    fc.setPanes([
      pane('reviewer', 'agent', 9),
      ...samplePanes().map((p) => (p.name === 'agent-1' ? { ...p, alive: false, deadStatus: 137 } : p)),
    ]);
    fc.emit('pane.died', { paneId: '%2' });
    const screen = await term.waitForScreen((l) => rowOf(l, 'reviewer') !== undefined);
    expect(markedRow(screen)).toContain('agent-1');
    expect(rowOf(screen, 'agent-1')).toContain('dead(137)');
    expect(detailName(screen)).toBe('agent-1');
    expect(screen.some((l) => /state\s+dead\(137\)/.test(l))).toBe(true);

    // r fetches without an event.
    fc.setPanes(samplePanes());
    term.type('r');
    await term.waitForScreen((l) => rowOf(l, 'reviewer') === undefined && detailName(l) === 'agent-1');
    term.type('q');
    expect(await term.waitForExit()).toBe(0);
  });

  it('shows when the controller is gone, keeps running, and reconnects when it is back', async () => {
    const { fc, term } = await start();
    await term.waitForText('agent-2');
    term.type('G');
    await term.waitForScreen((l) => detailName(l) === 'agent-2');

    await fc.stop();
    await term.waitForText('controller not reachable');
    expect(term.exitStatus()).toBeNull();
    // Keys still work while it is down.
    term.type('k');
    await term.waitForScreen((l) => detailName(l) === 'agent-1');

    await fc.start();
    const screen = await term.waitForScreen((l) => l[0]?.includes('connected') === true && !l[0].includes('not reachable'));
    expect(screen[0]).toContain('session demo-session');
    expect(detailName(screen)).toBe('agent-1');
    term.type('q');
    expect(await term.waitForExit()).toBe(0);
  });

  it('starts without a controller and connects once it appears', async () => {
    const fc = await startFakeController();
    cleanups.push(() => fc.dispose());
    await fc.stop();
    const term = await startInTerminal([process.execPath, entry, '--socket', fc.socketPath]);
    cleanups.push(() => term.close());
    await term.waitForText('controller not reachable');
    await term.waitForText('waiting for the controller');
    await fc.start();
    await term.waitForScreen((l) => rowOf(l, 'agent-2') !== undefined);
    term.type('q');
    expect(await term.waitForExit()).toBe(0);
  });
});
