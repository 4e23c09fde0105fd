/**
 * A controller's life in this process: start, tell the `up` that asked how it went, start its
 * supervisor, the parts and the watch. Run by the controller's own entry (main.ts, a process
 * `up` spawned) and by a spare controller that a thin `up` handed a project to (spare/serve.ts).
 */
import { isMiyabiError } from '../core/errors.js';
import { miyabiBin } from '../core/package-paths.js';
import { projectPaths } from '../core/paths.js';
import type { StartMessage } from '../ipc/start-message.js';
import type { UpChannel } from '../session/handover.js';
import { Tmux } from '../tmux/index.js';
import { Controller } from './controller.js';
import { startWatcher, type Watcher } from './supervise.js';

export interface RunOptions {
  root: string;
  tmuxSocket: string;
  layout?: string | undefined;
  /** Start a supervisor once the starter has been told (supervise.ts). */
  supervise: boolean;
  /** Runs under a supervisor already (MIYABI_SUPERVISED=1). */
  supervised: boolean;
  /** The `up` building the session, and the pid that passes us the lock (session/handover.ts). */
  up?: { channel: UpChannel; pid: number };
  /** performance.now() when this controller's start began (its marks count from there). */
  origin?: number;
  /** Tells the `up` that started us how it went. */
  tellStarter(msg: StartMessage): Promise<void>;
  /** Once the starter has its answer (the next `up`'s spare starts there: spare/spawn.ts). */
  onAnswered?: () => void;
  /** Ends the process (after the starter heard, for a spare). */
  exit(code: number): void;
}

export async function runController(o: RunOptions): Promise<void> {
  const tmux = new Tmux({ socket: o.tmuxSocket });
  let watcher: Watcher | null = null;
  /** Its supervisor, when we started it, hears the exit code first (0 ends it, 75 asks for a new controller). */
  const exitTelling = async (code: number) => {
    await watcher?.tell(code);
    o.exit(code);
  };
  const controller = new Controller({
    paths: projectPaths(o.root),
    tmux,
    layoutRef: o.layout,
    miyabiBin: miyabiBin(),
    env: process.env,
    supervised: o.supervise || o.supervised,
    ...(o.up ? { up: o.up.channel, upPid: o.up.pid } : {}),
    ...(o.origin !== undefined ? { origin: o.origin } : {}),
    onStopped: (code) => void exitTelling(code),
  });
  // A second signal while stopping means "now": a stop that hangs must not keep the process.
  let signals = 0;
  const onSignal = (sig: string) => {
    if (++signals > 1) o.exit(1);
    void controller.stop({ killSession: false, reason: sig });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGHUP', () => undefined);
  process.on('uncaughtException', (err) => controller.log(`uncaught: ${err.stack ?? String(err)}`));
  process.on('unhandledRejection', (err) => controller.log(`unhandled rejection: ${String(err)}`));

  try {
    const panes = await controller.start();
    await o.tellStarter({ ok: true, status: await controller.status(panes), warnings: controller.layoutWarnings });
    // Off `up`'s path (issue #17): the supervisor's own node start, the parts, the control client.
    if (o.supervise) watcher = startWatcher(o, process.pid, (l) => controller.log(l));
    o.onAnswered?.();
    if (await controller.startParts()) await controller.watch(panes);
  } catch (err) {
    const error = isMiyabiError(err) ? err.toJSON() : { code: 'INTERNAL' as const, message: String(err) };
    controller.log(`start failed: ${error.message}`);
    await o.tellStarter({ ok: false, error });
    await tmux.close().catch(() => undefined);
    o.exit(1);
  }
}
