import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { userStateDir } from '../../core/state-trust.js';
import { readSnapshot } from '../../core/snapshot.js';
import { isMiyabiError } from '../../core/errors.js';
import type { ProjectPaths } from '../../core/paths.js';
import { tryConnect } from '../context.js';
import { installWatchdog, realSystem, uninstallWatchdog } from './host.js';
import { watchdogTick } from './tick.js';

export interface WatchdogOptions {
  installWatchdog?: boolean;
  uninstallWatchdog?: boolean;
  watchdogTick?: boolean;
}

/** The user's locale if it is UTF-8, else C.UTF-8 (present on every glibc and musl system). */
function utf8Locale(env = process.env): string {
  const l = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(l) ? l : 'C.UTF-8';
}

/** The layout the last controller ran, for `up` (the built-in default is what `up` takes anyway). */
function lastLayout(p: ProjectPaths): string | undefined {
  const l = (readSnapshot(p.dir) as { layout?: string } | null)?.layout;
  return l && !l.startsWith('<') ? l : undefined;
}

/** `doctor --install-watchdog | --uninstall-watchdog | --watchdog-tick`; null when none was asked. */
export async function watchdogVerb(o: WatchdogOptions, p: ProjectPaths, socket: string): Promise<number | null> {
  const sys = realSystem();
  if (o.installWatchdog) {
    const r = installWatchdog({ root: p.root, node: realpathSync(process.execPath), bin: realpathSync(process.argv[1] ?? ''), socket, path: process.env.PATH ?? '/usr/bin:/bin', stateHome: dirname(userStateDir()), lang: utf8Locale(), ...(process.env.MIYABI_SPARE === '0' ? { spareOff: true } : {}) }, sys);
    process.stdout.write(r.ok ? `watchdog installed: ${r.detail}\n` : `watchdog ${r.detail}\n`);
    return r.ok ? 0 : 1;
  }
  if (o.uninstallWatchdog) {
    const done = uninstallWatchdog(p.root, sys);
    process.stdout.write(done.length ? `watchdog removed: ${done.join('; ')}\n` : 'no watchdog was installed for this project\n');
    return 0;
  }
  if (o.watchdogTick) {
    return watchdogTick({
      paths: p,
      now: Date.now(),
      running: async () => {
        const c = await tryConnect(p, 3000);
        c?.close();
        return c !== null;
      },
      up: async () => {
        const { up } = await import('../verbs/up.js');
        try {
          const layout = lastLayout(p);
          return { code: await up({ detach: true, socket, ...(layout ? { layout } : {}) }) };
        } catch (e) {
          return { code: 1, error: isMiyabiError(e) ? e.message : String(e) };
        }
      },
      say: (l) => process.stdout.write(`${l}\n`),
    });
  }
  return null;
}
