import { createHash } from 'node:crypto';

/**
 * What the watchdog (`miyabi doctor --install-watchdog`) writes: a systemd user timer + service,
 * or, where systemd --user is absent, two crontab lines. Either runs `miyabi doctor
 * --watchdog-tick` at boot and every minute; the tick starts the project's controller (and its
 * supervisor) again when it is gone, with backoff (tick.ts). Pure text here; host.ts writes it.
 */
export interface WatchdogTarget {
  root: string;
  /** The node binary and miyabi's entry script, as absolute paths (cron and systemd have no PATH of ours). */
  node: string;
  bin: string;
  /** tmux server name (tmux -L) the project runs on. */
  socket: string;
  /** PATH for the tick: tmux, git and the agents' CLIs must be found as in the user's shell. */
  path: string;
  /** Where miyabi keeps its own files (the project's ownership token): cron and systemd may not have the user's XDG_STATE_HOME. */
  stateHome: string;
  /** A UTF-8 locale: without one (cron's bare environment) tmux prints `_` for the separators miyabi's list-panes format uses. */
  lang: string;
  /** MIYABI_SPARE=0 where it was installed: the `up` it starts leaves no spare controller either (spare/spawn.ts). */
  spareOff?: boolean;
}

/** One name per project folder: two projects each get their own watchdog. */
export function unitName(root: string): string {
  return `miyabi-watchdog-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`;
}

/** The crontab lines of this project end with this tag; uninstall removes exactly those. */
export const cronTag = (root: string) => `# ${unitName(root)} ${root.replace(/[\r\n]/g, ' ')}`;

/** POSIX shell quoting. */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The tick as one shell command (cron runs lines with /bin/sh; `%` is a newline to cron, hence escaped). */
export function tickShell(t: WatchdogTarget): string {
  const spare = t.spareOff ? ' MIYABI_SPARE=0' : '';
  const cmd = `cd ${shq(t.root)} && PATH=${shq(t.path)} LANG=${shq(t.lang)} XDG_STATE_HOME=${shq(t.stateHome)} MIYABI_TMUX_SOCKET=${shq(t.socket)}${spare} ${shq(t.node)} ${shq(t.bin)} doctor --watchdog-tick >> .miyabi/watchdog.log 2>&1`;
  return cmd.replace(/%/g, '\\%');
}

export function cronLines(t: WatchdogTarget): string[] {
  const tag = cronTag(t.root);
  return [`@reboot sleep 30; ${tickShell(t)} ${tag}`, `* * * * * ${tickShell(t)} ${tag}`];
}

/** systemd's quoting for ExecStart/Environment words; `%` starts a specifier there. */
const sdq = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;

export function serviceUnit(t: WatchdogTarget): string {
  return [
    '[Unit]',
    `Description=miyabi watchdog for ${t.root.replace(/%/g, '%%')}: starts its controller again after a crash or a reboot`,
    '',
    '[Service]',
    'Type=oneshot',
    // A path as it is (quotes would be taken as part of it), `%` doubled.
    `WorkingDirectory=${t.root.replace(/%/g, '%%')}`,
    `Environment=${sdq(`PATH=${t.path}`)} ${sdq(`LANG=${t.lang}`)} ${sdq(`XDG_STATE_HOME=${t.stateHome}`)} ${sdq(`MIYABI_TMUX_SOCKET=${t.socket}`)}${t.spareOff ? ' "MIYABI_SPARE=0"' : ''}`,
    `ExecStart=${sdq(t.node)} ${sdq(t.bin)} doctor --watchdog-tick`,
    '',
  ].join('\n');
}

/** At boot (after 30 s) and a minute after each tick ends; the tick itself backs off (tick.ts). */
export function timerUnit(t: WatchdogTarget): string {
  return [
    '[Unit]',
    `Description=miyabi watchdog timer for ${t.root.replace(/%/g, '%%')}`,
    '',
    '[Timer]',
    'OnBootSec=30s',
    'OnActiveSec=60s',
    'OnUnitInactiveSec=60s',
    'AccuracySec=5s',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}
