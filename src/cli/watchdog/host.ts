import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cronLines, cronTag, serviceUnit, timerUnit, unitName, type WatchdogTarget } from './units.js';

/** A command's result; `missing` when the program is not installed at all. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  missing?: boolean;
}

/**
 * Where the watchdog lives on this machine: the user's systemd unit folder and the commands that
 * drive systemd and cron. Tests give their own (a temp XDG_CONFIG_HOME, a crontab script).
 */
export interface WatchdogSystem {
  unitDir: string;
  systemctl: string;
  crontab: string;
  run(cmd: string, args: string[], input?: string): Ran;
  /** A cron daemon runs (a crontab line with no daemon reading it does nothing). */
  cronRunning(): boolean;
}

export function realSystem(env: NodeJS.ProcessEnv = process.env): WatchdogSystem {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return {
    unitDir: join(config, 'systemd', 'user'),
    systemctl: env.MIYABI_SYSTEMCTL || 'systemctl',
    crontab: env.MIYABI_CRONTAB || 'crontab',
    run: (cmd, args, input) => {
      const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000, ...(input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input }) });
      const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr || (r.error ? String(r.error.message) : ''), ...(missing ? { missing } : {}) };
    },
    cronRunning: () => processRuns(/^(cron|crond|busybox|fcron|cronie)$/),
  };
}

function processRuns(name: RegExp): boolean {
  try {
    return readdirSync('/proc').some((d) => /^\d+$/.test(d) && name.test(safeRead(`/proc/${d}/comm`).trim()));
  } catch {
    return false;
  }
}

const safeRead = (f: string) => {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
};

const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';

/** systemd --user answers (a user manager and its bus are there), or why not. */
function systemdUser(s: WatchdogSystem): { ok: true } | { ok: false; why: string } {
  const r = s.run(s.systemctl, ['--user', 'show-environment']);
  if (r.missing) return { ok: false, why: 'no systemctl command' };
  return r.code === 0 ? { ok: true } : { ok: false, why: `systemctl --user: ${firstLine(r.stderr) || `exit ${r.code}`}` };
}

/** The user's crontab text ('' when they have none), or why cron cannot be used. */
function readCrontab(s: WatchdogSystem): { ok: true; text: string } | { ok: false; why: string } {
  const r = s.run(s.crontab, ['-l']);
  if (r.missing) return { ok: false, why: 'no crontab command' };
  if (r.code === 0) return { ok: true, text: r.stdout };
  if (/no crontab/i.test(r.stderr)) return { ok: true, text: '' };
  return { ok: false, why: `crontab -l: ${firstLine(r.stderr) || `exit ${r.code}`}` };
}

function writeCrontab(s: WatchdogSystem, lines: string[]): void {
  const r = s.run(s.crontab, ['-'], lines.length ? `${lines.join('\n')}\n` : '');
  if (r.code !== 0) throw new Error(`crontab - failed: ${firstLine(r.stderr) || `exit ${r.code}`}`);
}

const unitFiles = (s: WatchdogSystem, root: string) => ({ service: join(s.unitDir, `${unitName(root)}.service`), timer: join(s.unitDir, `${unitName(root)}.timer`) });

export type WatchdogResult = { ok: true; how: 'systemd' | 'cron'; detail: string } | { ok: false; detail: string };

/** Writes the systemd user timer, or the crontab lines where systemd --user is absent; never both. */
export function installWatchdog(t: WatchdogTarget, s: WatchdogSystem): WatchdogResult {
  const sd = systemdUser(s);
  if (sd.ok) {
    const f = unitFiles(s, t.root);
    mkdirSync(s.unitDir, { recursive: true });
    writeFileSync(f.service, serviceUnit(t));
    writeFileSync(f.timer, timerUnit(t));
    for (const args of [['--user', 'daemon-reload'], ['--user', 'enable', '--now', `${unitName(t.root)}.timer`]]) {
      const r = s.run(s.systemctl, args);
      if (r.code !== 0) return { ok: false, detail: `wrote ${f.timer} but systemctl ${args.join(' ')} failed: ${firstLine(r.stderr)}` };
    }
    return { ok: true, how: 'systemd', detail: `systemd user timer ${unitName(t.root)}.timer (${f.timer}): at boot and every minute` };
  }
  const cron = readCrontab(s);
  if (!cron.ok) return { ok: false, detail: `not configured: ${sd.why}, and ${cron.why}; nothing here can start miyabi after a reboot` };
  const kept = cron.text.split('\n').filter((l) => l !== '' && !l.endsWith(cronTag(t.root)));
  writeCrontab(s, [...kept, ...cronLines(t)]);
  return { ok: true, how: 'cron', detail: `crontab lines tagged "${cronTag(t.root)}" (at boot and every minute; ${sd.why})` };
}

/** Removes this project's timer and crontab lines, whichever exist. */
export function uninstallWatchdog(root: string, s: WatchdogSystem): string[] {
  const done: string[] = [];
  const f = unitFiles(s, root);
  if (existsSync(f.timer) || existsSync(f.service)) {
    s.run(s.systemctl, ['--user', 'disable', '--now', `${unitName(root)}.timer`]);
    rmSync(f.timer, { force: true });
    rmSync(f.service, { force: true });
    s.run(s.systemctl, ['--user', 'daemon-reload']);
    done.push(`removed ${f.timer} and ${f.service}`);
  }
  const cron = readCrontab(s);
  if (cron.ok && cron.text.split('\n').some((l) => l.endsWith(cronTag(root)))) {
    writeCrontab(s, cron.text.split('\n').filter((l) => l !== '' && !l.endsWith(cronTag(root))));
    done.push('removed its crontab lines');
  }
  return done;
}

export interface WatchdogCheck {
  level: 'ok' | 'warn' | 'fail';
  what: string;
  fix?: string;
}

/** Doctor's word on the watchdog: installed, and really able to run (not just a file). */
export function checkWatchdog(root: string, s: WatchdogSystem): WatchdogCheck {
  const f = unitFiles(s, root);
  const install = { fix: 'miyabi doctor --install-watchdog' };
  if (existsSync(f.timer)) {
    const name = `${unitName(root)}.timer`;
    const enabled = s.run(s.systemctl, ['--user', 'is-enabled', name]);
    const active = s.run(s.systemctl, ['--user', 'is-active', name]);
    if (enabled.code === 0 && active.code === 0) return { level: 'ok', what: `watchdog: systemd user timer ${name} enabled and active` };
    return { level: 'warn', what: `watchdog: ${f.timer} is there but systemd does not run it (is-enabled: ${firstLine(enabled.stdout || enabled.stderr)}, is-active: ${firstLine(active.stdout || active.stderr)})`, ...install };
  }
  const cron = readCrontab(s);
  const mine = cron.ok ? cron.text.split('\n').filter((l) => l.endsWith(cronTag(root))) : [];
  if (mine.length) {
    const gone = mine.flatMap((l) => [...l.matchAll(/'(\/[^']*)' '(\/[^']*)' doctor/g)].flatMap((m) => [m[1] ?? '', m[2] ?? ''])).filter((p) => !existsSync(p));
    if (gone.length) return { level: 'warn', what: `watchdog: its crontab line runs ${gone.join(', ')}, which no longer exists`, ...install };
    if (!s.cronRunning()) return { level: 'warn', what: 'watchdog: the crontab lines are there but no cron daemon runs, so nothing reads them', fix: 'start cron (e.g. `service cron start`), or install systemd --user' };
    return { level: 'ok', what: `watchdog: ${mine.length} crontab lines (at boot and every minute), and cron runs` };
  }
  const sd = systemdUser(s);
  if (!sd.ok && !cron.ok) return { level: 'ok', what: `watchdog not configured: ${sd.why}, and ${cron.why}; after a reboot \`miyabi up\` must be typed` };
  return { level: 'ok', what: 'no watchdog installed: after a reboot, or if the supervisor itself dies, `miyabi up` must be typed', ...install };
}
