import { Command } from 'commander';
import { isMiyabiError } from '../core/errors.js';
import { miyabiBin } from '../core/package-paths.js';
import { projectPaths } from '../core/paths.js';
import { Tmux } from '../tmux/index.js';
import { Controller } from './controller.js';

/** Exit status when another controller already holds the lock: the starter keeps waiting for it. */
export const EXIT_ALREADY_RUNNING = 3;

const program = new Command('miyabi-controller')
  .requiredOption('--root <dir>')
  .requiredOption('--tmux-socket <name>')
  .option('--layout <ref>')
  .parse();
const opts = program.opts<{ root: string; tmuxSocket: string; layout?: string }>();

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

process.on('SIGTERM', () => void controller.stop({ killSession: false, reason: 'SIGTERM' }));
process.on('SIGINT', () => void controller.stop({ killSession: false, reason: 'SIGINT' }));
process.on('SIGHUP', () => undefined);
process.on('uncaughtException', (err) => controller.log(`uncaught: ${err.stack ?? String(err)}`));
process.on('unhandledRejection', (err) => controller.log(`unhandled rejection: ${String(err)}`));

try {
  await controller.start();
} catch (err) {
  const e = isMiyabiError(err) ? err : null;
  // The starter reads this line from the log to tell the user why.
  process.stderr.write(`miyabi-start-error ${JSON.stringify(e ? e.toJSON() : { code: 'INTERNAL', message: String(err) })}\n`);
  await tmux.close().catch(() => undefined);
  process.exit(e?.code === 'CONTROLLER_RUNNING' ? EXIT_ALREADY_RUNNING : 1);
}
