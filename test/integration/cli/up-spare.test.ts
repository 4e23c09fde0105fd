/**
 * A spare controller (spare/main.ts, issue #17): started by a controller once it runs, it takes
 * the next `up --detach` whole, from any project of this user, as that `up` would have done it:
 * in the caller's folder, with the caller's environment, saying what `up` says and exiting as it
 * does; then it is that project's controller and the next spare waits. What a spare cannot take is
 * run by `up` itself, as if there were none.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { spareSpot } from '../../../src/core/spare-paths.js';
import { makeProject, pidAlive, until, type TestProject } from '../../helpers/project.js';
import { startInTerminal, type TerminalSession } from '../../helpers/terminal.js';

const LAYOUT = `session: spared
windows:
  - name: main
    panes:
      - role: agent
        name: a1
        command: [sleep, "3600"]
      - role: shell
        name: sh1
`;

const projects: TestProject[] = [];
const dirs: string[] = [];
const terminals: TerminalSession[] = [];
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'miyabi.js');
/** The spares of one folder (its command line names it: spare/spawn.ts); not those that became controllers. */
function sparesIn(dir: string): number[] {
  const r = spawnSync('pgrep', ['-f', `controller/spare.mjs ${dir}$`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

afterEach(async () => {
  for (const t of terminals.splice(0)) t.close();
  for (const p of projects.splice(0)) await p.cleanup();
  // The spares this test made: one that a spent spare started as the test ended may still be
  // starting, so until none has been seen twice in a row.
  for (const dir of dirs.splice(0)) {
    let quiet = 0;
    await until(() => {
      const pids = sparesIn(dir);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      quiet = pids.length === 0 ? quiet + 1 : 0;
      return quiet >= 5;
    }, `the spares in ${dir} to end`);
    rmSync(dir, { recursive: true, force: true });
  }
});

function spareDir(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-spare-'));
  dirs.push(dir);
  // A spare that escaped the cleanup still ends by itself within a minute.
  return { dir, env: { MIYABI_SPARE: '1', MIYABI_SPARE_DIR: dir, MIYABI_SPARE_IDLE_MS: '60000' } };
}

/** The pid of the spare waiting in `dir`, once it listens. */
async function waitingSpare(dir: string): Promise<number> {
  const spot = spareSpot({ MIYABI_SPARE_DIR: dir })!;
  return until(() => (existsSync(spot.socket) && existsSync(spot.pid) ? Number(readFileSync(spot.pid, 'utf8')) : 0), 'a spare controller to wait', 20_000);
}

/** A first session in a project of its own, as any `up` of this user leaves one: its controller starts a spare. */
async function afterASession(): Promise<{ dir: string; env: Record<string, string>; first: TestProject; spare: number }> {
  const { dir, env } = spareDir();
  const first = makeProject();
  projects.push(first);
  expect((await first.miyabi(['up', '--detach'], { env })).exitCode).toBe(0);
  return { dir, env, first, spare: await waitingSpare(dir) };
}

describe('a spare controller takes the next up', () => {
  it('builds the session in the caller’s folder with the caller’s environment, becomes its controller, and the next spare waits', async () => {
    const { dir, env, first, spare } = await afterASession();
    expect(spare).not.toBe(first.controllerPid());
    expect((await first.miyabi(['doctor'], { env })).stdout).toContain(`a spare controller (pid ${spare}) waits`);

    const p = makeProject();
    projects.push(p);
    p.write('l.yaml', LAYOUT);
    const r = await p.miyabi(['up', '-l', 'l.yaml', '--json'], { env: { ...env, MIYABI_FROM_CALLER: 'caller-42' } });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const st = JSON.parse(r.stdout) as StatusResult & { started: boolean };
    expect(st.started).toBe(true);
    expect(st.controller.pid).toBe(spare);
    expect(st.root).toBe(p.root);
    expect(p.controllerPid()).toBe(spare);
    // The panes were made with the caller's environment, not the one the spare was started with.
    const a1 = st.panes.find((x) => x.name === 'a1')!;
    expect(readFileSync(`/proc/${a1.pid}/environ`, 'utf8').split('\0')).toContain('MIYABI_FROM_CALLER=caller-42');
    const journal = readFileSync(join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');
    expect(journal).toMatch(/"type":"session.created".*"by":"up"/);

    // It answers as any controller, and the next spare waits (started by it, now a controller).
    expect((await p.miyabi(['status', '--json'])).exitCode).toBe(0);
    const next = await waitingSpare(dir);
    expect(next).not.toBe(spare);
  });

  it('says what up says when the layout is refused, makes nothing, and leaves a spare waiting', async () => {
    const { dir, env, spare } = await afterASession();

    const p = makeProject();
    projects.push(p);
    p.write('bad.yaml', 'session: bad\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        nme: typo\n');
    const r = await p.miyabi(['up', '-l', 'bad.yaml', '--detach'], { env });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.yaml/);
    expect(() => p.tmux.tmux('has-session', '-t', '=bad')).toThrow();
    // That spare is spent (it is no controller) and another waits.
    await until(() => !pidAlive(spare), 'the spent spare to end');
    expect(await waitingSpare(dir)).not.toBe(spare);
  });

  it('leaves to up itself what it does not take, and a folder others can enter is never used', async () => {
    const { dir, env, first, spare } = await afterASession();

    // Not one of up's quick shapes: the full CLI answers, and the spare still waits.
    const help = await first.miyabi(['up', '--no-such-flag'], { env });
    expect(help.exitCode).not.toBe(0);
    expect(help.stderr).toMatch(/no-such-flag/);
    expect(pidAlive(spare)).toBe(true);

    // A spare folder that is not private (0755): the request (which holds the caller's
    // environment) is not sent; `up` runs itself, with a controller of its own.
    const { chmodSync } = await import('node:fs');
    chmodSync(dir, 0o755);
    const p = makeProject();
    projects.push(p);
    const r = await p.miyabi(['up', '--detach'], { env });
    expect(r.exitCode).toBe(0);
    expect(p.controllerPid()).not.toBe(spare);
    expect(pidAlive(spare)).toBe(true);
  });

  it('two up at once with a spare waiting give one session and one controller, and a second up adds nothing', async () => {
    const { dir, env } = await afterASession();

    const p = makeProject();
    projects.push(p);
    p.write('l.yaml', LAYOUT);
    const [a, b] = await Promise.all([p.miyabi(['up', '-l', 'l.yaml', '--json'], { env }), p.miyabi(['up', '-l', 'l.yaml', '--json'], { env })]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const sa = JSON.parse(a.stdout) as StatusResult & { started: boolean };
    const sb = JSON.parse(b.stdout) as StatusResult & { started: boolean };
    expect(sa.controller.pid).toBe(sb.controller.pid);
    expect([sa.started, sb.started].sort()).toEqual([false, true]);
    const panes = () => p.tmux.tmux('list-panes', '-s', '-t', '=spared', '-F', '#{pane_id}').trim().split('\n');
    expect(panes()).toHaveLength(2);

    // The next `up` (through the next spare, once one waits) finds it running and adds nothing.
    await waitingSpare(dir);
    const again = await p.miyabi(['up', '-l', 'l.yaml', '--json'], { env });
    expect(again.exitCode).toBe(0);
    const st = JSON.parse(again.stdout) as StatusResult & { started: boolean };
    expect(st.started).toBe(false);
    expect(st.controller.pid).toBe(sa.controller.pid);
    expect(panes()).toHaveLength(2);
  });

  it('a plain up in a terminal: the spare builds the session, and the terminal is attached to it', async () => {
    const { env, spare } = await afterASession();

    const p = makeProject();
    projects.push(p);
    const t = await startInTerminal([process.execPath, BIN, 'up'], {
      cwd: p.root, cols: 100, rows: 30, env: { ...env, MIYABI_TMUX_SOCKET: p.tmux.socket, MIYABI_SUPERVISE: '0' },
    });
    terminals.push(t);
    // The dashboard's header names the session the terminal shows: this project's, built by the spare.
    const name = await until(() => {
      try {
        return p.tmux.tmux('list-sessions', '-F', '#{session_name}').trim();
      } catch {
        return ''; // not built yet
      }
    }, 'the session to be built', 20_000);
    await t.waitForScreen((lines) => lines.some((l) => l.includes(`miyabi | ${name} |`)) && lines.some((l) => l.includes('miyabi conductor')), { timeoutMs: 20_000 });
    expect(p.controllerPid()).toBe(spare);
  });
});
