import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { recipients } from '../../bus/layout.js';
import { pidAlive, readLock } from '../../core/instance-lock.js';
import { waitGone } from '../../core/pid.js';
import { liveSupervisor } from '../../core/supervisor-file.js';
import type { Tmux } from '../../tmux/index.js';
import { cliContext, readControllerInfo, tryConnect, type GlobalOptions } from '../context.js';

/**
 * `graceMs`: after a clean stop its supervisor ends by itself as soon as the controller's exit
 * note reaches it (controller/supervisor.ts); given that long, it is not signalled (which costs it
 * a round of its own stop, some 40 ms of `down`).
 */
async function stopSupervisor(runDir: string, graceMs = 0): Promise<void> {
  const pid = liveSupervisor(runDir);
  if (pid === null || (graceMs > 0 && (await waitGone(pid, graceMs, 2)))) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (!(await waitGone(pid, 5000, 5))) process.stderr.write(`the controller's supervisor (pid ${pid}) did not stop within 5 s\n`);
}

/** Sessions on this tmux server whose `@miyabi_root` is this project (none when no server runs). */
async function taggedSessions(tmux: Tmux, root: string): Promise<string[]> {
  let out: string;
  try {
    out = await tmux.exec(['list-sessions', '-F', '#{session_name}\t#{@miyabi_root}']);
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([name, tag]) => name && tag === root)
    .map(([name]) => name as string);
}

/**
 * Messages still in an inbox's new/ were never typed (or never confirmed): the agents that would
 * have read them are gone now, so `down` says so rather than let them pass for delivered. They
 * stay on the bus and go in at the next `up`.
 */
function keptUndelivered(busDir: string): void {
  for (const name of recipients(busDir)) {
    let n = 0;
    try {
      n = readdirSync(join(busDir, name, 'new')).filter((f) => !f.startsWith('.')).length;
    } catch {
      continue;
    }
    if (n > 0) process.stdout.write(`kept ${n} undelivered message${n === 1 ? '' : 's'} for ${name} (the session ended before ${name} read ${n === 1 ? 'it' : 'them'}); ${n === 1 ? 'it goes' : 'they go'} in at the next up\n`);
  }
}

/** Ends this project's session and controller; touches nothing else on the tmux server. */
export async function down(o: GlobalOptions): Promise<number> {
  const ctx = cliContext(o);
  const client = await tryConnect(ctx.paths);
  if (client) {
    const r = await client.request('down');
    client.close();
    // Asked every 2 ms: its exit is what `down` waits for, and each look is one kill(0) and a stat read.
    if (!(await waitGone(r.pid, 10_000, 2))) {
      process.stderr.write(`the controller (pid ${r.pid}) did not stop within 10 s; it was sent SIGTERM\n`);
      process.kill(r.pid, 'SIGTERM');
      return 1;
    }
    // The supervisor ends when its controller stops cleanly; one that has not is told to.
    await stopSupervisor(ctx.paths.run, 1000);
    process.stdout.write(`stopped: controller pid ${r.pid}, session ended\n`);
    keptUndelivered(ctx.paths.bus);
    return 0;
  }
  // No controller: its supervisor (waiting to start one again) is stopped first, then a session
  // it left behind is ended, if this project owns it.
  await stopSupervisor(ctx.paths.run);
  const info = readControllerInfo(ctx.paths);
  const lock = readLock(ctx.paths.lock);
  if (lock && !pidAlive(lock.pid)) rmSync(ctx.paths.lock, { force: true });
  // Loaded only here: with a controller up (the usual case) `down` needs no tmux module at all.
  const { Tmux } = await import('../../tmux/index.js');
  const tmux = new Tmux({ socket: ctx.tmuxSocketGiven || !info ? ctx.tmuxSocket : info.tmuxSocket });
  if (info) {
    if ((await tmux.hasSession(info.session)) && (await tmux.sessionOption(info.session, '@miyabi_root')) === ctx.paths.root) {
      await tmux.killSession(info.session);
      process.stdout.write(`no controller was running; ended session ${info.session}\n`);
      return 0;
    }
  }
  // A start that failed late never wrote controller.json: find sessions by the project's tag.
  const tagged = await taggedSessions(tmux, ctx.paths.root);
  for (const name of tagged) await tmux.killSession(name);
  if (tagged.length > 0) {
    process.stdout.write(`no controller was running; ended session ${tagged.join(', ')}\n`);
    return 0;
  }
  process.stdout.write('nothing to stop: no controller and no session for this project\n');
  return 0;
}
