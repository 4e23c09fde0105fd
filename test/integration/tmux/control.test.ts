import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionSpec, TmuxEvent } from '../../../src/tmux/index.js';
import { ControlClient } from '../../../src/tmux/index.js';
import { fixture, isAlive, type Fixture } from './fixture.js';

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => {
  await f.reap();
});

function spec(name: string, panes = 1): SessionSpec {
  return {
    name,
    windows: [
      {
        name: 'main',
        arrangement: 'tiled',
        panes: Array.from({ length: panes }, (_, i) => ({ name: `p${i}`, role: 'agent', argv: ['sleep', '600'], cwd: f.dir, env: {} })),
      },
    ],
    options: {},
  };
}

describe('control-mode client', () => {
  it('takes every reply block of a command that runs another (if-shell), and stays in step', async () => {
    const tmux = f.tmux();
    await tmux.createSession(spec('ifs'));
    const c = await ControlClient.open({ socket: f.t.socket, session: 'ifs', onEvent: () => undefined });
    f.pids.add(c.pid!);
    const [a, b, after] = await Promise.all([
      c.command('if-shell', ['-F', '1', 'display-message -p yes', 'display-message -p no'], 2),
      c.command('if-shell', ['-F', '0', 'display-message -p yes', 'display-message -p no'], 2),
      c.command('display-message', ['-p', 'in step']),
    ]);
    expect([a, b, after]).toEqual([['yes'], ['no'], ['in step']]);
    await c.close();
  });

  it('answers commands in order and sorts errors', async () => {
    const tmux = f.tmux();
    await tmux.createSession(spec('ctl'));
    const events: TmuxEvent[] = [];
    const c = await ControlClient.open({ socket: f.t.socket, session: 'ctl', onEvent: (e) => events.push(e) });
    f.pids.add(c.pid!);
    const replies = await Promise.all([
      c.command('display-message', ['-p', '#{session_name}']),
      c.command('display-message', ['-p', 'two words']),
      c.run('list-windows -F "#{window_name}"'),
      c.command('show-options', ['-g', '-v', 'status']),
    ]);
    expect(replies).toEqual([['ctl'], ['two words'], ['main'], ['on']]);
    await expect(c.run('no-such-command')).rejects.toMatchObject({ code: 'TMUX_COMMAND', message: /unknown command/ });
    await expect(c.command('list-panes', ['-t', '%999'])).rejects.toMatchObject({ code: 'TMUX_PANE_GONE' });
    await expect(c.run('display -p a\nb')).rejects.toMatchObject({ code: 'TMUX_COMMAND' });
    // Still in step after errors.
    expect(await c.command('display-message', ['-p', 'after'])).toEqual(['after']);

    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await c.command('display-message', ['-p', '#{pane_dead}']);
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    console.log(`control-mode round trip: p50 ${latencies[100]!.toFixed(3)} ms, p99 ${latencies[198]!.toFixed(3)} ms`);

    const pid = c.pid!;
    await c.close();
    expect(isAlive(pid)).toBe(false);
    await expect(c.run('display -p x')).rejects.toMatchObject({ code: 'TMUX_UNREACHABLE' });
  });

  it('decodes %output byte-exact', async () => {
    const tmux = f.tmux();
    const [pane] = await tmux.createSession(spec('out'));
    const chunks: Buffer[] = [];
    await tmux.attachControl('out', (e) => {
      if (e.type === 'output' && e.paneId === pane!.paneId) chunks.push(e.data);
    });
    // Every byte but LF (the pty turns LF into CRLF) and the octal-looking text tmux must not confuse.
    const payload = Buffer.concat([
      Buffer.from('日本語 ✓ é \\ \\101 \\\\134 '),
      Buffer.from([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x01, 0x07, 0x08, 0x09, 0x7f, 0x80, 0xfe, 0xff, 0x00, 0x1f]),
      Buffer.from(' end'),
    ]);
    // The program stays alive after writing: tmux 3.3a often drops the last output of a program
    // that exits right away (it never shows up as %output).
    const code = `process.stdout.write(Buffer.concat([Buffer.from('<<'), Buffer.from('${payload.toString('hex')}', 'hex'), Buffer.from('>>')])); setInterval(() => {}, 1e9)`;
    const c = (tmux as unknown as { control: ControlClient }).control;
    await c.command('respawn-pane', ['-k', '-t', pane!.paneId, process.execPath, '-e', code]);
    const all = () => Buffer.concat(chunks);
    await vi.waitFor(() => expect(all().includes('>>')).toBe(true), { timeout: 10_000, interval: 20 });
    const got = all();
    const start = got.indexOf('<<') + 2;
    expect(got.subarray(start, got.indexOf('>>', start))).toEqual(payload);
  });

  it('reports %exit and stops when the session is killed; the adapter falls back to one-shot runs', async () => {
    const tmux = f.tmux();
    await tmux.createSession(spec('gone'));
    await tmux.createSession(spec('other'));
    const events: TmuxEvent[] = [];
    await tmux.attachControl('gone', (e) => events.push(e));
    const pid = tmux.controlPid!;
    f.pids.add(pid);
    expect(await tmux.listPanes('other')).toHaveLength(1); // through the control client
    await tmux.killSession('gone');
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'exit', reason: '' }), { timeout: 5000 });
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false), { timeout: 5000 });
    await vi.waitFor(() => expect(tmux.controlPid).toBeUndefined());
    expect(await tmux.listPanes('other')).toHaveLength(1); // one-shot now
    await expect(tmux.listPanes('gone')).rejects.toMatchObject({ code: 'TMUX_PANE_GONE' });
  });

  it('reports window close and layout change notifications', async () => {
    const tmux = f.tmux();
    const s = spec('notes', 2);
    s.windows.push({ name: 'extra', arrangement: 'tiled', panes: [{ name: 'x', role: 'agent', argv: ['sleep', '600'], cwd: f.dir, env: {} }] });
    const panes = await tmux.createSession(s);
    const events: TmuxEvent[] = [];
    await tmux.attachControl('notes', (e) => events.push(e));
    f.t.tmux('kill-pane', '-t', panes[1]!.paneId);
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'layout-change', windowId: panes[0]!.windowId }));
    f.t.tmux('kill-window', '-t', panes[2]!.windowId);
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'window-close', windowId: panes[2]!.windowId }));
  });

  it('restarts a wedged client: pending commands time out, a new client takes over', async () => {
    // SIGSTOP on the `tmux -C` process does not wedge it: the client hands its stdin and stdout
    // to the server, which reads and writes the pipes itself. Stopping the server does.
    const tmux = f.tmux({ commandTimeoutMs: 400 });
    await tmux.createSession(spec('wedge'));
    const events: TmuxEvent[] = [];
    await tmux.attachControl('wedge', (e) => events.push(e));
    const c = (tmux as unknown as { control: ControlClient }).control;
    const oldPid = c.pid!;
    f.pids.add(oldPid);
    const serverPid = Number(f.t.tmux('display', '-p', '#{pid}').trim());
    f.pids.add(serverPid);
    process.kill(serverPid, 'SIGSTOP');
    const t0 = performance.now();
    try {
      await expect(c.command('display-message', ['-p', 'x'])).rejects.toMatchObject({ code: 'TMUX_TIMEOUT' });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    } finally {
      process.kill(serverPid, 'SIGCONT'); // the server comes back while the new client attaches
    }
    await vi.waitFor(() => expect(events.some((e) => e.type === 'client-restarted')).toBe(true), { timeout: 5000 });
    const newPid = tmux.controlPid!;
    f.pids.add(newPid);
    expect(newPid).not.toBe(oldPid);
    expect(isAlive(oldPid)).toBe(false);
    expect(await c.command('display-message', ['-p', 'again'])).toEqual(['again']);
    expect(await tmux.listPanes('wedge')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'exit')).toEqual([]);
  });

  it('does not wedge when only the client process is stopped', async () => {
    const tmux = f.tmux({ commandTimeoutMs: 400 });
    await tmux.createSession(spec('cstop'));
    await tmux.attachControl('cstop', () => {});
    const pid = tmux.controlPid!;
    f.pids.add(pid);
    process.kill(pid, 'SIGSTOP');
    try {
      expect(await tmux.listPanes('cstop')).toHaveLength(1);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('gives up when the server itself is stopped, and can be attached again after', async () => {
    const tmux = f.tmux({ commandTimeoutMs: 300 });
    await tmux.createSession(spec('stall'));
    const events: TmuxEvent[] = [];
    await tmux.attachControl('stall', (e) => events.push(e));
    f.pids.add(tmux.controlPid!);
    const serverPid = Number(f.t.tmux('display', '-p', '#{pid}').trim());
    f.pids.add(serverPid);
    process.kill(serverPid, 'SIGSTOP');
    try {
      await expect(tmux.listPanes('stall')).rejects.toMatchObject({ code: 'TMUX_TIMEOUT' });
      // The restarted client cannot attach to a stopped server either.
      await vi.waitFor(() => expect(events.some((e) => e.type === 'exit' && /restart failed/.test(e.reason))).toBe(true), {
        timeout: 5000,
      });
      expect(tmux.controlPid).toBeUndefined();
      await expect(tmux.listPanes('stall')).rejects.toMatchObject({ code: 'TMUX_TIMEOUT' }); // one-shot, also stuck
    } finally {
      process.kill(serverPid, 'SIGCONT');
    }
    await tmux.attachControl('stall', (e) => events.push(e));
    f.pids.add(tmux.controlPid!);
    expect(await tmux.listPanes('stall')).toHaveLength(1);
  });

  it('fails to attach to a missing session with a pane-gone error, and without a server as unreachable', async () => {
    const tmux = f.tmux();
    await expect(tmux.attachControl('nothere', () => {})).rejects.toMatchObject({ code: 'TMUX_UNREACHABLE' });
    // A bare control client would have started a server just to say "no sessions".
    expect(() => f.t.tmux('list-sessions')).toThrow(/no server running|error connecting/);
    await expect(ControlClient.open({ socket: f.t.socket, session: 'nothere', configFile: '/dev/null' })).rejects.toMatchObject({
      code: 'TMUX_PANE_GONE',
      message: /no sessions/,
    });
    // That server exits again at once; createSession copes even while it is still going.
    await tmux.createSession(spec('here'));
    await expect(tmux.attachControl('her', () => {})).rejects.toMatchObject({ code: 'TMUX_PANE_GONE' });
    expect(tmux.controlPid).toBeUndefined();
  });
});
