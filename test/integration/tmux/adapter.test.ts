import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaneInfo, SessionSpec } from '../../../src/tmux/index.js';
import { Tmux, readTmuxVersion, tmuxExec } from '../../../src/tmux/index.js';
import { defaultSocketPath } from '../../../src/tmux/adapter.js';
import { existsSync } from 'node:fs';
import { fixture, isAlive, type Fixture } from './fixture.js';

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => {
  await f.reap();
});

function spec(name: string, cwd = f.dir, panes = 1): SessionSpec {
  return {
    name,
    windows: [
      {
        name: 'main',
        arrangement: 'tiled',
        panes: Array.from({ length: panes }, (_, i) => ({ name: `p${i}`, role: 'agent', argv: ['sleep', '600'], cwd, env: {} })),
      },
    ],
    options: { '@miyabi_root': f.dir },
  };
}

const RAW = '#{pane_id}|#{session_name}|#{window_id}|#{window_name}|#{window_index}|#{pane_index}|#{pane_pid}|#{pane_dead}|#{pane_in_mode}|#{pane_start_command}';
function rawPanes(session: string): string[] {
  return f.t.tmux('list-panes', '-s', '-t', `=${session}:`, '-F', RAW).trim().split('\n');
}
function asRaw(p: PaneInfo): string {
  return [p.paneId, p.sessionName, p.windowId, p.windowName, p.windowIndex, p.paneIndex, p.pid, p.dead ? 1 : 0, p.inMode ? 1 : 0, p.startCommand].join('|');
}

describe('Tmux adapter', () => {
  it('finds the server where tmux puts it, so a missing socket may answer "no session" without a tmux client', async () => {
    const tmux = f.tmux();
    const path = defaultSocketPath(tmux.socketName);
    if (process.env.TMUX_TMPDIR !== undefined) return expect(path).toBeNull();
    expect(existsSync(path!)).toBe(false);
    expect(await tmux.hasSession('guess')).toBe(false);
    await tmux.createSession(spec('guess'));
    expect(existsSync(path!)).toBe(true); // tmux's own socket, at the path hasSession looks at
    expect(await tmux.hasSession('guess')).toBe(true);
    // A server that exits leaves its socket file: a file nothing listens on is no session either.
    await tmux.killServer();
    expect(existsSync(path!)).toBe(true);
    expect(await tmux.hasSession('guess')).toBe(false);
    await tmux.createSession(spec('guess'));
    expect(await tmux.hasSession('guess')).toBe(true);
    expect(defaultSocketPath('x', { TMUX_TMPDIR: '/elsewhere' })).toBeNull(); // tmux may fall back from it: not guessed
  });

  it('matches session names exactly, never by prefix (RELIABILITY 8)', async () => {
    const tmux = f.tmux();
    expect(await tmux.hasSession('foo')).toBe(false); // no server yet
    await tmux.killSession('foo'); // nothing to kill: not an error
    await tmux.createSession(spec('foobar'));
    expect(await tmux.hasSession('foobar')).toBe(true);
    expect(await tmux.hasSession('foo')).toBe(false);
    // Plain `list-panes -s -t =foo` WOULD list foobar's panes on 3.3a.
    expect(f.t.tmux('list-panes', '-s', '-t', '=foo', '-F', '#{session_name}').trim()).toBe('foobar');
    await expect(tmux.listPanes('foo')).rejects.toMatchObject({ code: 'TMUX_PANE_GONE' });
    await expect(tmux.sessionOption('foo', '@miyabi_root')).rejects.toMatchObject({ code: 'TMUX_PANE_GONE' });
    await tmux.killSession('foo');
    expect(await tmux.hasSession('foobar')).toBe(true);
    await tmux.killSession('foobar');
    expect(await tmux.hasSession('foobar')).toBe(false);
    await expect(tmux.hasSession('Foo')).rejects.toMatchObject({ code: 'NAME' });
  });

  it('listPanes agrees with raw list-panes, one-shot and through control mode', async () => {
    const tmux = f.tmux();
    const s = spec('agree', f.dir, 3);
    s.windows.push({ name: 'second', arrangement: 'even-vertical', panes: [{ name: 'q', role: 'conductor', argv: ['sleep', '600'], cwd: f.dir, env: {} }] });
    const created = await tmux.createSession(s);
    const raw = rawPanes('agree');
    expect(created.map(asRaw)).toEqual(raw);
    expect((await tmux.listPanes('agree')).map(asRaw)).toEqual(raw);
    await tmux.attachControl('agree', () => {});
    f.pids.add(tmux.controlPid!);
    const viaControl = await tmux.listPanes('agree');
    expect(viaControl.map(asRaw)).toEqual(raw);
    expect(viaControl.map((p) => [p.agent, p.role])).toEqual([
      ['p0', 'agent'],
      ['p1', 'agent'],
      ['p2', 'agent'],
      ['q', 'conductor'],
    ]);
    await expect.poll(async () => (await tmux.listPanes('agree')).map((p) => p.currentCommand)).toEqual(Array(4).fill('sleep'));
  });

  it('parses panes whose cwd holds a newline and the field separator', async () => {
    const tmux = f.tmux();
    const cwd = join(f.dir, 'odd\nname ␞ ␜ #{x}');
    mkdirSync(cwd);
    await tmux.createSession(spec('odd', cwd, 2));
    await expect.poll(async () => (await tmux.listPanes('odd')).map((p) => p.currentPath), { timeout: 5000 }).toEqual([cwd, cwd]);
    await tmux.attachControl('odd', () => {});
    f.pids.add(tmux.controlPid!);
    expect((await tmux.listPanes('odd')).map((p) => p.currentPath)).toEqual([cwd, cwd]);
  });

  it('reads session options: value, empty, unset', async () => {
    const tmux = f.tmux();
    const s = spec('opts');
    s.options = { '@a': 'x y;', '@empty': '' };
    await tmux.createSession(s);
    expect(await tmux.sessionOption('opts', '@a')).toBe('x y;');
    expect(await tmux.sessionOption('opts', '@empty')).toBe('');
    expect(await tmux.sessionOption('opts', '@nope')).toBeNull();
    await expect(tmux.sessionOption('opts', 'status')).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('sorts one-shot failures: unreachable, pane gone, command error; passes stdin', async () => {
    const sock = f.t.socket;
    await expect(tmuxExec(sock, ['list-sessions'])).rejects.toMatchObject({ code: 'TMUX_UNREACHABLE' });
    const tmux = f.tmux();
    await tmux.createSession(spec('errs'));
    await expect(tmux.exec(['send-keys', '-t', '%999', '-l', 'x'])).rejects.toMatchObject({ code: 'TMUX_PANE_GONE' });
    // display-message does NOT fail for a gone pane on 3.3a: it prints the formats empty.
    expect(await tmux.exec(['display-message', '-t', '%999', '-p', '[#{pane_id}|#{pane_dead}]'])).toBe('[|]\n');
    await expect(tmux.exec(['kill-window', '-t', '@999'])).rejects.toMatchObject({ code: 'TMUX_PANE_GONE' });
    await expect(tmux.exec(['frobnicate'])).rejects.toMatchObject({ code: 'TMUX_COMMAND', message: /frobnicate/ });
    await expect(tmux.exec(['set-option', '-g', 'no-such-option', 'x'])).rejects.toMatchObject({
      code: 'TMUX_COMMAND',
      message: /set-option failed: invalid option: no-such-option/,
      detail: { subcommand: 'set-option' },
    });
    const big = 'x'.repeat(200_000) + ';\n';
    await tmux.exec(['load-buffer', '-b', 'big', '-'], { input: big });
    expect(await tmux.exec(['show-buffer', '-b', 'big'])).toBe(big);
    await expect(tmux.exec(['set-option', '@x', 'y'.repeat(20_000)])).rejects.toMatchObject({ code: 'TMUX_COMMAND', message: /limit/ });
  });

  it('never sends tmux 3.3a a layout that would crash its server', async () => {
    const tmux = f.tmux();
    const two = (layout: string): SessionSpec => ({ ...spec('lay', f.dir, 2), windows: [{ ...spec('lay', f.dir, 2).windows[0]!, arrangement: layout }] });
    // `select-layout vertical` kills a 3.3a server (tmux#3450); so does a 2-pane layout on 3 panes.
    await expect(tmux.createSession(two('vertical'))).rejects.toMatchObject({ code: 'CONFIG', message: /unknown layout/ });
    await expect(tmux.createSession(two('ffff,220x50,0,0{110x50,0,0,1,109x50,111,0,2}'))).rejects.toMatchObject({ code: 'CONFIG' });
    const three = spec('lay', f.dir, 3);
    three.windows[0]!.arrangement = '247d,220x50,0,0{110x50,0,0,1,109x50,111,0,2}';
    await expect(tmux.createSession(three)).rejects.toMatchObject({ code: 'CONFIG', message: /describes 2 panes/ });
    // A right one is used as given.
    const panes = await tmux.createSession(two('247d,220x50,0,0{110x50,0,0,1,109x50,111,0,2}'));
    expect(panes).toHaveLength(2);
    expect(f.t.tmux('display', '-p', '-t', panes[0]!.paneId, '#{pane_width}').trim()).toBe('110');
  });

  it('runs pane commands through one door, control mode or one-shot alike', async () => {
    const tmux = f.tmux();
    const [p] = await tmux.createSession(spec('door', f.dir, 1));
    const pane = tmux.pane(p!.paneId);
    expect(await pane.run('display-message', ['-p', '#{pane_id} #{@miyabi_agent}'])).toEqual([`${p!.paneId} p0`]);
    await tmux.attachControl('door', () => {});
    f.pids.add(tmux.controlPid!);
    expect(await pane.run('display-message', ['-p', '#{pane_id} #{@miyabi_agent}'])).toEqual([`${p!.paneId} p0`]);
    // A newline cannot go through control mode: run() takes the one-shot path for it.
    expect(await pane.run('display-message', ['-p', 'a\nb'])).toEqual(['a', 'b']);
    await expect(tmux.pane('%999').run('send-keys', ['-l', 'x'])).rejects.toMatchObject({ code: 'TMUX_PANE_GONE' });
    expect(() => tmux.pane('=door:')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('kills the server after its control client, and tolerates no server', async () => {
    const tmux = f.tmux();
    await tmux.createSession(spec('ks'));
    await tmux.attachControl('ks', () => {});
    const pid = tmux.controlPid!;
    f.pids.add(pid);
    await tmux.killServer();
    expect(tmux.controlPid).toBeUndefined();
    await expect.poll(() => isAlive(pid)).toBe(false);
    expect(await tmux.hasSession('ks')).toBe(false);
    await tmux.killServer();
  });

  it('rebuilds right after the server was killed (a dying server can drop the first connection)', async () => {
    const tmux = f.tmux();
    for (let i = 0; i < 15; i++) {
      expect(await tmux.createSession(spec('again'))).toHaveLength(1);
      await tmux.killServer();
    }
  });

  it('reads the version, and says TMUX_MISSING when tmux is not installed', async () => {
    const v = await f.tmux().version();
    expect(v.major).toBeGreaterThanOrEqual(3);
    expect(v.raw).toMatch(/^tmux /);
    const path = process.env.PATH;
    process.env.PATH = join(f.dir, 'empty-bin');
    try {
      await expect(readTmuxVersion()).rejects.toMatchObject({ code: 'TMUX_MISSING', hint: /apt-get install tmux/ });
      await expect(new Tmux({ socket: f.t.socket }).version()).rejects.toMatchObject({ code: 'TMUX_MISSING' });
      await expect(tmuxExec(f.t.socket, ['ls'])).rejects.toMatchObject({ code: 'TMUX_MISSING' });
    } finally {
      process.env.PATH = path;
    }
  });
});
