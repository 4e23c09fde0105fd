import { parseArgs } from 'node:util';
import { isMiyabiError } from '../core/errors.js';
import { miyabiBin } from '../core/package-paths.js';
import { projectPaths } from '../core/paths.js';
import { Tmux } from '../tmux/index.js';
import { Controller } from './controller.js';
import type { StartMessage } from '../ipc/start-message.js';
import { startWatcher, type Watcher } from './supervise.js';
import { upChannel } from '../session/handover.js';

// node's own parser: the controller is started by `miyabi up` (or its supervisor) only, with these options.
const { values } = parseArgs({
  options: { root: { type: 'string' }, 'tmux-socket': { type: 'string' }, layout: { type: 'string' }, supervise: { type: 'boolean' }, handover: { type: 'boolean' } },
  strict: true,
});
if (!values.root || !values['tmux-socket']) {
  process.stderr.write('usage: miyabi-controller --root <dir> --tmux-socket <name> [--layout <ref>] [--supervise] [--handover]\n');
  process.exit(2);
}
// `up` builds the session itself and tells us over the spawn channel (session/handover.ts).
const up = values.handover === true && process.send ? upChannel(process) : undefined;
const opts = { root: values.root, tmuxSocket: values['tmux-socket'], layout: values.layout };
/** `up` started us and wants a supervisor: we start it once `up` has been told (supervise.ts). */
const supervise = values.supervise === true && process.env.MIYABI_SUPERVISED !== '1';

const paths = projectPaths(opts.root);
const tmux = new Tmux({ socket: opts.tmuxSocket });
const controller = new Controller({
  paths,
  tmux,
  layoutRef: opts.layout,
  miyabiBin: miyabiBin(),
  env: process.env,
  supervised: supervise || process.env.MIYABI_SUPERVISED === '1',
  ...(up ? { up } : {}),
  onStopped: (code) => void exitTelling(code),
});

/** Tells the `miyabi up` that started us how it went, then lets it go (Nx startInBackground). */
function tellStarter(msg: StartMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(msg, undefined, undefined, () => {
      process.disconnect?.();
      resolve();
    });
  });
}

// A second signal while stopping means "now": a stop that hangs must not keep the process.
let signals = 0;
const onSignal = (sig: string) => {
  if (++signals > 1) process.exit(1);
  void controller.stop({ killSession: false, reason: sig });
};
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGHUP', () => undefined);
process.on('uncaughtException', (err) => controller.log(`uncaught: ${err.stack ?? String(err)}`));
process.on('unhandledRejection', (err) => controller.log(`unhandled rejection: ${String(err)}`));

let watcher: Watcher | null = null;
/** Its supervisor, when we started it, hears the exit code first (0 ends it, 75 asks for a new controller). */
async function exitTelling(code: number): Promise<never> {
  await watcher?.tell(code);
  process.exit(code);
}

try {
  const panes = await controller.start();
  await tellStarter({ ok: true, status: await controller.status(panes), warnings: controller.layoutWarnings });
  // Off `up`'s path (issue #17): the supervisor's own node start, the parts, the control client.
  if (supervise) watcher = startWatcher(opts, process.pid, (l) => controller.log(l));
  if (await controller.startParts()) await controller.watch(panes);
} catch (err) {
  const error = isMiyabiError(err) ? err.toJSON() : { code: 'INTERNAL' as const, message: String(err) };
  controller.log(`start failed: ${error.message}`);
  await tellStarter({ ok: false, error });
  await tmux.close().catch(() => undefined);
  process.exit(1);
}
