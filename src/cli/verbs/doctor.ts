import { existsSync, lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { pidAlive, readLock } from '../../core/instance-lock.js';
import { isMiyabiError } from '../../core/errors.js';
import { repairJournal } from '../../core/journal-repair.js';
import { checkJournal, checkSnapshot } from '../../core/state-check.js';
import { inspectState } from '../../core/state-trust.js';
import { spareIsOurs, sparePid, spareSpot } from '../../core/spare-paths.js';
import { foreignPeer } from '../ask-controller.js';
import { isGitRoot, type ProjectPaths } from '../../core/paths.js';
import { gitVersion } from '../../git/version.js';
import { Tmux, assertSupported, readTmuxVersion } from '../../tmux/index.js';
import type { ReplyOf } from '../../ipc/messages/index.js';
import { journalTrouble } from '../../ui/format-status.js';
import { cliContext, readControllerInfo, tryConnect, type GlobalOptions } from '../context.js';
import { checkWatchdog, realSystem } from '../watchdog/host.js';
import { watchdogVerb, type WatchdogOptions } from '../watchdog/verb.js';

type Level = 'ok' | 'warn' | 'fail';
interface Check {
  level: Level;
  what: string;
  fix?: string;
}

function privateDirCheck(path: string, what: string): Check {
  if (!existsSync(path)) return { level: 'ok', what: `${what} ${path} not created yet` };
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return { level: 'fail', what: `${what} ${path} is a symlink`, fix: `remove it: rm ${path}` };
  if (st.uid !== process.getuid?.()) return { level: 'fail', what: `${what} ${path} belongs to uid ${st.uid}`, fix: `remove it or chown it to yourself` };
  if ((st.mode & 0o077) !== 0) {
    return { level: 'warn', what: `${what} ${path} has mode ${(st.mode & 0o777).toString(8)}`, fix: `chmod 700 ${path}` };
  }
  return { level: 'ok', what: `${what} ${path} is private (0700, yours)` };
}

/** This user's spare controller (spare/main.ts): off, waiting, or none yet. */
function spareChecks(): Check[] {
  const spot = spareSpot();
  if (!spot) return [{ level: 'ok', what: process.env.MIYABI_SPARE === '0' ? 'spare controllers off (MIYABI_SPARE=0): each `up` starts its own controller' : 'no spare controller: this build has none' }];
  if (!existsSync(spot.dir)) return [{ level: 'ok', what: 'no spare controller yet: the next `up` starts its own, and leaves one' }];
  const dir = privateDirCheck(spot.dir, 'spare folder');
  if (dir.level !== 'ok') return [{ ...dir, fix: `${dir.fix ?? ''}; until then no spare is used (each \`up\` starts its own)` }];
  const pid = sparePid(spot);
  return [pid !== null && spareIsOurs(spot)
    ? { level: 'ok', what: `a spare controller (pid ${pid}) waits on ${spot.socket}: the next \`up\` is handed to it` }
    : { level: 'ok', what: 'no spare controller waits: the next `up` starts its own, and leaves one' }];
}

function journalCheck(p: ProjectPaths, repair: boolean, controllerUp: boolean): Check {
  if (!existsSync(p.journal)) return { level: 'ok', what: 'journal not created yet' };
  if (repair) {
    if (controllerUp) return { level: 'fail', what: 'cannot repair the journal while the controller runs', fix: '`miyabi down` first' };
    const r = repairJournal(p.dir);
    return r.repaired
      ? { level: 'warn', what: `journal repaired: ${r.file}:${r.line}: ${r.reason}; damaged part kept in ${r.movedTo.join(', ')}` }
      : { level: 'ok', what: `journal intact (${r.lastSeq} records); nothing to repair` };
  }
  // The same verdict `up` acts on (core/state-check.ts): a torn tail is not "intact".
  return checkJournal(p.dir);
}

export async function doctor(o: GlobalOptions & WatchdogOptions & { json?: boolean; repair?: boolean }): Promise<number> {
  const ctx = cliContext(o, 'skip');
  const p = ctx.paths;
  const asked = await watchdogVerb(o, p, ctx.tmuxSocket);
  if (asked !== null) return asked;
  const checks: Check[] = [];
  // Before anything in .miyabi/ is read: one a clone brought is reported, and nothing else in it is.
  const trust = inspectState(p.root, { git: true });
  const trusted = trust.state !== 'untrusted';
  const info = trusted ? readControllerInfo(p) : null;
  const tmux = new Tmux({ socket: info && !ctx.tmuxSocketGiven ? info.tmuxSocket : ctx.tmuxSocket });
  try {
    // tmux itself, not the start-up's cached answer (tmux/version-cache.ts): doctor checks.
    const v = assertSupported(await readTmuxVersion());
    checks.push({ level: 'ok', what: `${v.raw} (3.2 or newer needed)` });
  } catch (e) {
    checks.push({ level: 'fail', what: isMiyabiError(e) ? e.message : String(e), fix: isMiyabiError(e) ? e.hint : 'install tmux 3.2 or newer' });
  }
  const g = await gitVersion();
  checks.push(
    g.installed ? { level: 'ok', what: `git ${g.raw}` } : { level: 'fail', what: 'git is not installed', fix: 'apt-get install git' },
  );
  checks.push(
    isGitRoot(p.root)
      ? { level: 'ok', what: `project ${p.root} is a git work tree` }
      : { level: 'warn', what: `${p.root} is not in a git repository`, fix: 'run miyabi from a git repository (agents get worktrees there)' },
  );
  if (trust.state === 'untrusted') {
    checks.push({ level: 'fail', what: trust.error.message, fix: trust.error.hint });
  } else {
    checks.push(privateDirCheck(p.dir, 'state folder'));
  }
  checks.push(
    p.socketRelocated
      ? { level: 'warn', what: `IPC socket moved to ${p.socket}: the project path is too long for a unix socket`, fix: 'nothing to do; shorter paths keep it in .miyabi/run' }
      : { level: 'ok', what: `IPC socket path ${p.socket} (${Buffer.byteLength(p.socket)} bytes, limit 100)` },
  );
  if (p.socketRelocated) checks.push(privateDirCheck(dirname(p.socket), 'socket folder'));
  const lock = trusted ? readLock(p.lock) : null;
  if (lock && !pidAlive(lock.pid)) {
    checks.push({ level: 'warn', what: `stale controller lock from dead pid ${lock.pid}`, fix: `the next \`miyabi up\` takes it over, or rm ${p.lock}` });
  }
  const client = trusted ? await tryConnect(p, 3000) : null;
  if (client) {
    const r = (await client.request('ping', undefined, 3000).catch(() => null)) as ReplyOf<'ping'> | null;
    client.close();
    const silent = r === null && lock !== null && lock.role !== 'run' && pidAlive(lock.pid);
    checks.push(
      typeof r?.pid === 'number' && typeof r.session === 'string'
        ? { level: 'ok', what: `controller pid ${r.pid} answers for session ${r.session}` }
        : silent
          ? { level: 'fail', what: `controller pid ${lock.pid} took the connection but did not answer a request within 3 s`, fix: '`miyabi up` restarts it' }
          : { level: 'fail', what: foreignPeer(p.socket, 'it does not answer like a miyabi controller').message, fix: foreignPeer(p.socket, '').hint },
    );
    const trouble = journalTrouble(r?.journal);
    if (trouble) checks.push({ level: 'fail', what: `journal ${trouble}`, fix: r?.journal?.state === 'wedged' ? '`miyabi up` restarts the controller' : 'make the file writable again (disk space, permissions, attributes); the controller goes on by itself' });
  } else if (lock && lock.role !== 'run' && pidAlive(lock.pid) && existsSync(p.socket)) {
    // The truth, not "no controller": one that holds the lock and does not answer is wedged or swamped.
    checks.push({ level: 'fail', what: `controller pid ${lock.pid} is alive but does not answer on ${p.socket} within 3 s`, fix: '`miyabi up` restarts it' });
  } else if (trusted && existsSync(p.socket)) {
    checks.push({ level: 'warn', what: `socket ${p.socket} is left from a controller that is gone`, fix: 'the next `miyabi up` removes it' });
  } else {
    checks.push({ level: 'ok', what: 'no controller running (start one with `miyabi up`)' });
  }
  if (trusted) {
    checks.push(journalCheck(p, o.repair === true, client !== null));
    if (existsSync(p.state)) checks.push(checkSnapshot(p.dir));
  }
  if (isGitRoot(p.root)) {
    const { unknownWorktrees } = await import('../../git/worktrees.js');
    for (const w of await unknownWorktrees(p.root).catch(() => [])) {
      checks.push({
        level: 'warn',
        what: `worktree ${w.path} (${w.branch ?? 'detached'}) is not miyabi's; miyabi never removes it`,
        fix: `if it is no longer needed: git worktree remove ${w.path}`,
      });
    }
  }
  if (info) {
    const live = await tmux.hasSession(info.session).catch(() => false);
    checks.push({
      level: 'ok',
      what: live ? `session ${info.session} is alive on tmux -L ${tmux.socketName}` : `session ${info.session} is not running`,
    });
    // A live session is not a working one: a pane whose program exited is said so, with the fix.
    for (const pane of live ? await tmux.listPanes(info.session).catch(() => []) : []) {
      if (pane.dead) checks.push({ level: 'warn', what: `pane ${pane.agent || pane.paneId} (${pane.paneId}) is dead (exit status ${pane.deadStatus ?? 'unknown'})`, fix: `miyabi restart ${pane.agent || pane.paneId}; miyabi health shows why recovery did not bring it back` });
    }
  }
  checks.push(...spareChecks());
  checks.push(checkWatchdog(p.root, realSystem()));
  if (o.json) {
    process.stdout.write(JSON.stringify(checks, null, 2) + '\n');
  } else {
    for (const c of checks) {
      process.stdout.write(`${c.level.padEnd(4)}  ${c.what}\n${c.fix ? `      fix: ${c.fix}\n` : ''}`);
    }
  }
  return checks.some((c) => c.level === 'fail') ? 1 : 0;
}
