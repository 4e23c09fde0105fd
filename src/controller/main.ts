import { parseArgs } from 'node:util';
import { isMiyabiError } from '../core/errors.js';
import { miyabiBin } from '../core/package-paths.js';
import { projectPaths } from '../core/paths.js';
import { Tmux } from '../tmux/index.js';
import { Controller } from './controller.js';
import type { StartMessage } from '../ipc/start-message.js';

// node's own parser: the controller is started by `miyabi up` only, with these three options.
const { values } = parseArgs({ options: { root: { type: 'string' }, 'tmux-socket': { type: 'string' }, layout: { type: 'string' } }, strict: true });
if (!values.root || !values['tmux-socket']) {
  process.stderr.write('usage: miyabi-controller --root <dir> --tmux-socket <name> [--layout <ref>]\n');
  process.exit(2);
}
const opts = { root: values.root, tmuxSocket: values['tmux-socket'], layout: values.layout };

const paths = projectPaths(opts.root);
const tmux = new Tmux({ socket: opts.tmuxSocket });
const controller = new Controller({
  paths,
  tmux,
  layoutRef: opts.layout,
  miyabiBin: miyabiBin(),
  env: process.env,
  onStopped: (code) => process.exit(code),
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

try {
  const panes = await controller.start();
  await tellStarter({ ok: true, status: await controller.status(panes) });
  await controller.watch(panes);
} catch (err) {
  const error = isMiyabiError(err) ? err.toJSON() : { code: 'INTERNAL' as const, message: String(err) };
  controller.log(`start failed: ${error.message}`);
  await tellStarter({ ok: false, error });
  await tmux.close().catch(() => undefined);
  process.exit(1);
}
