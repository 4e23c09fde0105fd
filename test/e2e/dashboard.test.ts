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

async function start(
  extra: string[] = [], size: { cols?: number; rows?: number } = {}, agents?: unknown[],
): Promise<{ fc: FakeController; term: TerminalSession }> {
  const fc = await startFakeController();
  cleanups.push(() => fc.dispose());
  if (agents) {
    fc.agents = agents;
    fc.setPanes(samplePanes().filter((p) => p.role !== 'agent'));
  }
  const term = await startInTerminal([process.execPath, entry, '--socket', fc.socketPath, ...extra], size);
  cleanups.push(() => term.close());
  return { fc, term };
}

/** The agent-table row naming `name`. */
function rowOf(lines: string[], name: string): string | undefined {
  return lines.find((l) => new RegExp(`^.[> ] ${name}\\s`).test(l));
}
function markedRow(lines: string[]): string | undefined {
  return lines.find((l) => /^.> /.test(l));
}
/** The preview's "name" line. */
function detailName(lines: string[]): string | undefined {
  return lines.map((l) => /^.name\s+(\S+)/.exec(l)?.[1]).find((x) => x !== undefined);
}

function manyAgents(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `agent-${String(i + 1).padStart(2, '0')}`, paneId: `%${i + 10}`, pid: 100 + i, alive: true, command: 'claude', cwd: '/p',
    worktree: null, branch: null, spawned: i > 2, state: i === 37 ? 'waiting-for-input' : i % 3 ? 'idle' : 'busy', signal: 'screen', reason: 'r',
  }));
}

describe('dashboard in a terminal', () => {
  for (const [cols, rows] of [[80, 24], [200, 50]] as const) {
    it(`at ${cols}x${rows}: 50 agents, waiting-for-you first, every row reachable by scrolling; j/k, Tab, ?, q`, async () => {
      const { term } = await start([], { cols, rows }, manyAgents(50));
      // The detail box may come a frame after the rows (a loaded CI machine caught that frame).
      let screen = await term.waitForScreen((l) => rowOf(l, 'agent-38') !== undefined && detailName(l) !== undefined);
      expect(screen[0]).toContain('demo-session');
      expect(screen[0]).toContain('50 agents, 1 waiting for you');
      expect(screen[0]).toMatch(/ \| connected$/);
      // The one waiting for a person is the first row, selected.
      expect(markedRow(screen)).toMatch(/agent-38\s+\? waiting for you/);
      expect(detailName(screen)).toBe('agent-38');
      // Every line fits the terminal (nothing cut by the edge: the box's right border is drawn).
      expect(screen.filter((l) => l.length > cols)).toEqual([]);
      term.type('j');
      screen = await term.waitForScreen((l) => detailName(l) === 'agent-01');
      expect(markedRow(screen)).toMatch(/agent-01\s+\* busy/);
      term.type(KEY.up);
      await term.waitForScreen((l) => detailName(l) === 'agent-38');
      // The last row scrolls into view.
      term.type('G');
      screen = await term.waitForScreen((l) => markedRow(l)?.includes('agent-50') === true);
      expect(rowOf(screen, 'agent-38')).toBeUndefined();
      // Tab moves the focus to the panels: at 80 columns they are tabs under the table.
      term.type('\t');
      term.type('\t');
      await term.waitForScreen((l) => l.some((x) => x.includes('[diff]')));
      term.type('\t');
      screen = await term.waitForScreen((l) => l.some((x) => x.includes('[tasks]')) && !l.some((x) => x.includes('[diff]')));
      expect(screen.some((x) => x.includes('no tasks'))).toBe(true);
      term.type('?');
      screen = await term.waitForScreen((l) => l.some((x) => x.includes('Esc or ? closes')));
      expect(screen.some((x) => /Enter\s+agents: show the agent's pane/.test(x))).toBe(true);
      term.type('?');
      await term.waitForScreen((l) => !l.some((x) => x.includes('Esc or ? closes')));
      term.type('q');
      expect(await term.waitForExit()).toBe(0);
      expect(term.alternateScreen()).toBe(false);
    });
  }

  it('at 40x12: the header shortens but still says connected and who waits; rows reachable; nothing past the edge', async () => {
    const { term } = await start([], { cols: 40, rows: 12 }, manyAgents(50));
    let screen = await term.waitForScreen((l) => rowOf(l, 'agent-38') !== undefined && l[0]?.includes('connected') === true);
    expect(screen[0]).toBe(' demo-sessi~ | 50, 1 waiting | connected');
    expect(markedRow(screen)).toMatch(/agent-38\s+\? waiting for you/);
    expect(screen.filter((l) => l.length > 40)).toEqual([]);
    term.type('j');
    screen = await term.waitForScreen((l) => markedRow(l)?.includes('agent-01') === true);
    term.type('G');
    screen = await term.waitForScreen((l) => markedRow(l)?.includes('agent-50') === true);
    expect(screen[0]).toBe(' demo-sessi~ | 50, 1 waiting | connected');
    // The help scrolls in a small pane (j/k, g/G move it, not the selection) down to the last key.
    term.type('?');
    await term.waitForScreen((l) => l.some((x) => x.includes('keys (j/k scroll')));
    term.type('G');
    await term.waitForScreen((l) => l.some((x) => x.includes('keeps running)')) && !l.some((x) => x.includes('keys (j/k scroll')));
    term.type('g');
    await term.waitForScreen((l) => l.some((x) => x.includes('keys (j/k scroll')));
    term.type('\x1b');
    screen = await term.waitForScreen((l) => !l.some((x) => x.includes('keys (j/k scroll')));
    expect(markedRow(screen)).toMatch(/agent-50/);
    term.type('q');
    expect(await term.waitForExit()).toBe(0);
  });

  it('/ filters the rows; Esc clears the filter', async () => {
    const { term } = await start([], { cols: 80, rows: 24 }, manyAgents(50));
    await term.waitForScreen((l) => rowOf(l, 'agent-38') !== undefined);
    term.type('/');
    await term.waitForScreen((l) => l.some((x) => x.startsWith('filter: ')));
    term.type('agent-4');
    await term.waitForScreen((l) => l.some((x) => x.startsWith('filter: agent-4')));
    term.type(KEY.enter);
    const screen = await term.waitForScreen((l) => l[0]?.includes('filter "agent-4"') === true && rowOf(l, 'agent-38') === undefined);
    expect(rowOf(screen, 'agent-41')).toBeDefined();
    term.type('\x1b');
    await term.waitForScreen((l) => l[0]?.includes('50 agents') === true && !l[0].includes('filter'));
    term.type('q');
    expect(await term.waitForExit()).toBe(0);
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

  it('shows the newest pipeline runs in the runs tab and follows them from the journal events', async () => {
    const fc = await startFakeController();
    cleanups.push(() => fc.dispose());
    fc.runs = [{ runId: 'dev-20261125-110000-aaaa', pipeline: 'dev', status: 'failed', startedAt: Date.now() - 60_000, durationMs: 4200, stages: [{ name: 'build', outcome: 'passed', attempts: 1 }, { name: 'deploy', outcome: 'failed', attempts: 1 }] }];
    const term = await startInTerminal([process.execPath, entry, '--socket', fc.socketPath]);
    cleanups.push(() => term.close());
    await term.waitForText('agent-2');
    for (let i = 0; i < 4; i++) term.type('\t');
    await term.waitForScreen((l) => l.some((x) => /dev-20261125-110000-aaaa\s+failed\s+4\.2 s\s+last deploy/.test(x)));
    fc.emit('run.started', { runId: 'dev-20261125-120000-bbbb', pipeline: 'dev' });
    fc.emit('stage.started', { runId: 'dev-20261125-120000-bbbb', stage: 'lint', attempt: 1 });
    await term.waitForScreen((l) => l.some((x) => /dev-20261125-120000-bbbb\s+running\s+.*at lint/.test(x)));
    fc.emit('run.finished', { runId: 'dev-20261125-120000-bbbb', outcome: 'succeeded', durationMs: 1500 });
    await term.waitForScreen((l) => l.some((x) => /dev-20261125-120000-bbbb\s+succeeded\s+1\.5 s\s+last lint/.test(x)));
    // Enter drills into the selected run: its stages.
    term.type(KEY.down);
    term.type(KEY.enter);
    await term.waitForScreen((l) => l.some((x) => x.includes('run dev-20261125-110000-aaaa')) && l.some((x) => /deploy\s+failed/.test(x)));
    term.type('q');
    expect(await term.waitForExit()).toBe(0);
  });

  it('refreshes on journal events: a new agent appears, a dead one says so, the selection stays', async () => {
    // A long poll period: only the event can explain the refresh.
    const { fc, term } = await start(['--poll', '600000']);
    await term.waitForText('agent-2');
    term.type('j');
    await term.waitForScreen((l) => detailName(l) === 'agent-2');
    fc.setPanes([...samplePanes(), pane('reviewer', 'agent', 9)].map((p) => (p.name === 'agent-1' ? { ...p, alive: false, deadStatus: 137 } : p)));
    fc.emit('pane.died', { paneId: '%2' });
    const screen = await term.waitForScreen((l) => rowOf(l, 'reviewer') !== undefined);
    expect(rowOf(screen, 'agent-1')).toMatch(/x dead/);
    expect(detailName(screen)).toBe('agent-2');
    // A state record moves a row at once, with its reason.
    fc.emit('agent.state', { name: 'reviewer', state: 'waiting-for-input', signal: 'hook', reason: 'permission prompt' });
    await term.waitForScreen((l) => /^.[ >] reviewer\s+\? waiting for you/.test(l[3] ?? ''));
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
    expect(screen[0]).toContain('demo-session');
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
