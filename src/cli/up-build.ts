/**
 * `up` builds the session in its own process (issue #17): the controller is started first, and
 * its node start and load run beside this process's layout check and tmux build instead of
 * after them. This process checks the layout, takes `.miyabi/` and the project lock and passes
 * the lock to the controller, builds the session with one chained tmux command, and tells the
 * controller, which adopts the panes as built by this start and answers once it listens
 * (session/handover.ts). When another controller holds the project, that one's status once it
 * listens; when the project's session is live with no controller, the controller adopts it.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { formatIssue } from '../config/config-issue.js';
import { loadLayout } from '../config/load-layout.js';
import { isMiyabiError, MiyabiError } from '../core/errors.js';
import { handLock } from '../core/instance-lock.js';
import { StartupMarks } from '../core/startup-marks.js';
import { miyabiBin, packageRoot } from '../core/package-paths.js';
import type { StatusResult } from '../ipc/protocol.js';
import { buildSession } from '../session/open-session.js';
import { checkBeforeBuild } from '../session/prepare.js';
import { takeStateDir } from '../session/state-dir.js';
import { Tmux } from '../tmux/index.js';
import type { CliContext } from './context.js';
import { processIo, type Io } from './io.js';
import { spawnHandoverController, waitForRunning, watchController, type StartingController } from './start-controller.js';

export interface UpBuildOptions {
  layout?: string | undefined;
  io?: Io;
  /** The controller to hand the session to: by default one spawned for it; a spare's is itself (spare/in-process.ts). */
  controller?: (ctx: CliContext) => StartingController;
  /** performance.now() when this `up` began (a spare's began with its request). */
  origin?: number;
}

export async function upBuilding(ctx: CliContext, o: UpBuildOptions, early?: ChildProcess): Promise<StatusResult> {
  const p = ctx.paths;
  const bin = miyabiBin();
  const io = o.io ?? processIo;
  const controller = o.controller?.(ctx) ?? watchController(p, early ?? spawnHandoverController(p, { tmuxSocket: ctx.tmuxSocket, layout: o.layout }), io);
  controller.started.catch(() => undefined); // awaited below; a failure seen early spares the build
  const tmux = new Tmux({ socket: ctx.tmuxSocket });
  // Where `up`'s own time goes: journaled with the session it built.
  const steps = new StartupMarks(o.origin);
  steps.mark('loaded');
  let handed = false;
  try {
    const version = tmux.version();
    version.catch(() => undefined); // awaited after the layout check, which says more
    const loaded = loadLayout({ ref: o.layout, projectRoot: p.root, miyabiBin: bin, env: process.env, builtinLayoutsDir: join(packageRoot(), 'layouts') });
    if (!loaded.ok) throw loaded.error;
    const layout = loaded.value;
    checkBeforeBuild(layout, p.root);
    steps.mark('checked');
    await version;
    let lock: { release: () => void; text: string };
    try {
      lock = takeStateDir(p, { env: process.env, miyabiBin: bin, onTrusted: () => undefined });
    } catch (e) {
      // Another `up` got there first: its controller answers, once it listens. A `miyabi run`
      // holding the project will not: that is said at once.
      if (!(isMiyabiError(e) && e.code === 'CONTROLLER_RUNNING') || e.detail?.role === 'run') throw e;
      await controller.drop();
      return await waitForRunning(p, Date.now() + 20_000);
    }
    if (controller.pid === undefined || !handLock(p.lock, lock.text, controller.pid, p.socket)) {
      lock.release();
      throw new MiyabiError('CONTROLLER_START', 'could not pass the project lock to the controller', { hint: `see ${p.controllerLog}` });
    }
    handed = true;
    controller.tell({ step: 'lock', layout });
    steps.mark('locked');
    // What the layout holds that miyabi does not map, at its file:line (the controller does not read it).
    for (const w of loaded.warnings) io.err(`${formatIssue(w)}\n`);
    // A live session of this project is adopted by the controller; one of another program refused by it.
    if (await tmux.hasSession(layout.session)) {
      controller.tell({ step: 'built', handover: null });
      return await controller.started;
    }
    // The controller checks the journal meanwhile: one it refuses (doctor --repair) ends the start.
    if (controller.done) return await controller.started;
    const { panes, built, ms } = await buildSession({ tmux, layout, paths: p, env: process.env, miyabiBin: bin });
    steps.mark('built');
    controller.tell({ step: 'built', handover: { session: layout.session, ms, panes, built, upMs: steps.ms } });
    try {
      return await controller.started;
    } catch (e) {
      // It refused (before it took the session, or failed after and ended it): ours to end. Not
      // when it has only not answered yet: it may still take the session.
      if (controller.done) await tmux.killSession(layout.session).catch(() => undefined);
      throw e;
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    // Before the lock was passed nothing is made: the controller is let go. After, it releases the
    // lock and journals why, and `up` returns once it has (its report is this error, said here).
    if (!handed) await controller.drop();
    else if (controller.tell({ step: 'abort', why })) await controller.started.catch(() => undefined);
    throw e;
  } finally {
    await tmux.close();
  }
}
