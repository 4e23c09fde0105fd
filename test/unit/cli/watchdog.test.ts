import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { writeSnapshot } from '../../../src/core/snapshot.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPaths } from '../../../src/core/paths.js';
import { checkWatchdog, installWatchdog, uninstallWatchdog, type Ran, type WatchdogSystem } from '../../../src/cli/watchdog/host.js';
import { backoffMs, watchdogTick } from '../../../src/cli/watchdog/tick.js';
import { cronLines, cronTag, serviceUnit, timerUnit, unitName, type WatchdogTarget } from '../../../src/cli/watchdog/units.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wd-'));

function target(root = '/srv/my proj'): WatchdogTarget {
  return { root, node: process.execPath, bin: __filename, socket: 'miyabi', path: '/usr/bin:/bin', stateHome: '/home/u/.local/state', lang: 'C.UTF-8' };
}

/** A machine: systemd --user answers or not, a crontab kept in memory (or no crontab command). */
function machine(o: { systemd: boolean; cron: boolean; cronRunning?: boolean }) {
  let crontab: string | null = null;
  const calls: string[] = [];
  const sys: WatchdogSystem = {
    unitDir: join(tmp(), 'systemd', 'user'),
    systemctl: 'systemctl',
    crontab: 'crontab',
    cronRunning: () => o.cronRunning ?? true,
    run: (cmd, args, input): Ran => {
      calls.push(`${cmd} ${args.join(' ')}`);
      if (cmd === 'systemctl') return o.systemd ? { code: 0, stdout: 'enabled\n', stderr: '' } : { code: 1, stdout: '', stderr: 'Failed to connect to bus: No medium found\n' };
      if (!o.cron) return { code: 127, stdout: '', stderr: 'spawn crontab ENOENT', missing: true };
      if (args[0] === '-l') return crontab === null ? { code: 1, stdout: '', stderr: 'no crontab for me\n' } : { code: 0, stdout: crontab, stderr: '' };
      crontab = input ?? '';
      return { code: 0, stdout: '', stderr: '' };
    },
  };
  return { sys, calls, crontab: () => crontab, setCrontab: (t: string) => void (crontab = t) };
}

describe('the watchdog units', () => {
  it('cron lines run the tick at boot and every minute, quoted, with % escaped, tagged for this project', () => {
    const t = { ...target('/srv/50% done'), node: "/opt/it's/node" };
    const [boot, minute] = cronLines(t);
    expect(boot).toMatch(/^@reboot sleep 30; cd '\/srv\/50\\% done' && /);
    expect(minute).toMatch(/^\* \* \* \* \* cd /);
    expect(minute).toContain(`'/opt/it'\\''s/node'`);
    expect(minute).toContain('doctor --watchdog-tick');
    expect(minute!.endsWith(cronTag('/srv/50% done'))).toBe(true);
    expect(unitName('/a')).not.toBe(unitName('/b'));
  });

  it('the systemd service runs the tick in the project with its PATH and tmux socket', () => {
    const u = serviceUnit({ ...target('/srv/p'), socket: 'work-2' });
    expect(u).toContain('WorkingDirectory=/srv/p\n');
    expect(u).toContain('"MIYABI_TMUX_SOCKET=work-2"');
    expect(u).toContain('"XDG_STATE_HOME=/home/u/.local/state"');
    expect(u).toMatch(/ExecStart=".*" ".*" doctor --watchdog-tick/);
  });

  it('spares off where it was installed (MIYABI_SPARE=0): off for the up it starts too, and only then said', () => {
    const off = { ...target('/srv/p'), spareOff: true };
    expect(serviceUnit(off)).toContain('"MIYABI_SPARE=0"');
    expect(cronLines(off).every((l) => l.includes(' MIYABI_SPARE=0 '))).toBe(true);
    expect(serviceUnit(target('/srv/p'))).not.toContain('MIYABI_SPARE');
    expect(cronLines(target('/srv/p')).join('\n')).not.toContain('MIYABI_SPARE');
  });
});

// systemd's own checker where it is installed (it needs no running systemd): what we write is a unit it accepts.
const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
describe.skipIf(!analyze)('the systemd units, checked by systemd-analyze verify', () => {
  it('are accepted, with a space and a % in the project path', () => {
    const dir = tmp();
    const t = { ...target(join(dir, 'my 100% proj')), bin: join(dir, 'miyabi.js') };
    writeFileSync(t.bin, '');
    const files = [`${unitName(t.root)}.service`, `${unitName(t.root)}.timer`];
    writeFileSync(join(dir, files[0]!), serviceUnit(t));
    writeFileSync(join(dir, files[1]!), timerUnit(t));
    mkdirSync(join(dir, 'rt'));
    const r = spawnSync('systemd-analyze', ['verify', '--user', ...files.map((f) => `./${f}`)], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: join(dir, 'rt') } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('installing the watchdog', () => {
  it('without systemd --user: crontab lines, the user\'s own lines kept, no duplicates, and uninstall removes only ours', () => {
    const m = machine({ systemd: false, cron: true });
    m.setCrontab('0 3 * * * backup\n');
    const t = target();
    const r = installWatchdog(t, m.sys);
    expect(r).toMatchObject({ ok: true, how: 'cron' });
    expect(installWatchdog(t, m.sys).ok).toBe(true);
    const lines = m.crontab()!.trim().split('\n');
    expect(lines).toEqual(['0 3 * * * backup', ...cronLines(t)]);
    expect(checkWatchdog(t.root, m.sys)).toMatchObject({ level: 'ok', what: expect.stringContaining('cron runs') });
    expect(uninstallWatchdog(t.root, m.sys)).toEqual(['removed its crontab lines']);
    expect(m.crontab()).toBe('0 3 * * * backup\n');
    expect(checkWatchdog(t.root, m.sys)).toMatchObject({ level: 'ok', what: expect.stringContaining('no watchdog installed'), fix: 'miyabi doctor --install-watchdog' });
  });

  it('checks the crontab lines for real: no cron daemon, or a program that is gone, is a warning', () => {
    const m = machine({ systemd: false, cron: true, cronRunning: false });
    const t = target();
    installWatchdog(t, m.sys);
    expect(checkWatchdog(t.root, m.sys)).toMatchObject({ level: 'warn', what: expect.stringContaining('no cron daemon runs') });
    const m2 = machine({ systemd: false, cron: true });
    installWatchdog({ ...t, node: '/nowhere/node' }, m2.sys);
    expect(checkWatchdog(t.root, m2.sys)).toMatchObject({ level: 'warn', what: expect.stringContaining('/nowhere/node, which no longer exists') });
  });

  it('with systemd --user: a timer and a service in the user unit folder, enabled now; nothing in cron', () => {
    const m = machine({ systemd: true, cron: true });
    const t = target();
    expect(installWatchdog(t, m.sys)).toMatchObject({ ok: true, how: 'systemd' });
    const timer = join(m.sys.unitDir, `${unitName(t.root)}.timer`);
    expect(readFileSync(timer, 'utf8')).toContain('OnBootSec=30s');
    expect(existsSync(join(m.sys.unitDir, `${unitName(t.root)}.service`))).toBe(true);
    expect(m.calls).toContain(`systemctl --user enable --now ${unitName(t.root)}.timer`);
    expect(m.crontab()).toBeNull();
    expect(checkWatchdog(t.root, m.sys)).toMatchObject({ level: 'ok', what: expect.stringContaining('enabled and active') });
    expect(uninstallWatchdog(t.root, m.sys)[0]).toMatch(/^removed .*\.timer/);
    expect(existsSync(timer)).toBe(false);
  });

  it('where neither systemd --user nor cron is available: not configured, said so, nothing pretended', () => {
    const m = machine({ systemd: false, cron: false });
    const r = installWatchdog(target(), m.sys);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^not configured: systemctl --user: Failed to connect to bus.*, and no crontab command/);
    expect(checkWatchdog(target().root, m.sys)).toMatchObject({ what: expect.stringMatching(/^watchdog not configured/) });
  });
});

describe('a watchdog tick', () => {
  const project = () => {
    const root = tmp();
    mkdirSync(join(root, '.miyabi'));
    return projectPaths(root);
  };

  it('starts a controller that is gone, backs off after a failed start (1 min doubling to 30 min), resets after one that works', async () => {
    const p = project();
    let ups = 0;
    let ok = false;
    const tick = (now: number, running = false) =>
      watchdogTick({ paths: p, now, running: async () => running, up: async () => (ups++, ok ? { code: 0 } : { code: 1, error: 'tmux broke' }), say: () => undefined });
    expect(await tick(1000, true)).toBe(0);
    expect(ups).toBe(0);
    expect(await tick(1000)).toBe(1);
    expect(ups).toBe(1);
    expect(await tick(1000 + 59_000)).toBe(0); // inside the backoff: not tried
    expect(ups).toBe(1);
    expect(await tick(1000 + 60_000)).toBe(1);
    expect(ups).toBe(2);
    expect(JSON.parse(readFileSync(join(p.dir, 'watchdog.json'), 'utf8'))).toMatchObject({ failures: 2, nextAt: 61_000 + 120_000 });
    ok = true;
    expect(await tick(61_000 + 120_000)).toBe(0);
    expect(ups).toBe(3);
    expect(JSON.parse(readFileSync(join(p.dir, 'watchdog.json'), 'utf8'))).toMatchObject({ failures: 0 });
    expect([1, 2, 3, 5, 6, 20].map(backoffMs)).toEqual([60_000, 120_000, 240_000, 960_000, 1_800_000, 1_800_000]);
  });

  it('leaves a project stopped with `down` down', async () => {
    const p = project();
    writeSnapshot(p.dir, { lastSeq: 0, session: 's', layout: 'l', commands: {}, recovery: { placed: {}, conversations: {}, down: true } });
    const said: string[] = [];
    let ups = 0;
    expect(await watchdogTick({ paths: p, now: 0, running: async () => false, up: async () => (ups++, { code: 0 }), say: (l) => said.push(l) })).toBe(0);
    expect(ups).toBe(0);
    expect(said.join()).toContain('stopped with `miyabi down`');
  });
});
