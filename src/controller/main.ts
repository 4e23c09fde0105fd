import { parseArgs } from 'node:util';
import type { StartMessage } from '../ipc/start-message.js';
import { upChannel } from '../session/handover.js';
import { spawnSpare } from '../spare/spawn.js';
import { runController } from './run.js';

// node's own parser: the controller is started by `miyabi up` (or its supervisor) only, with these options.
const { values } = parseArgs({
  options: { root: { type: 'string' }, 'tmux-socket': { type: 'string' }, layout: { type: 'string' }, supervise: { type: 'boolean' }, handover: { type: 'boolean' } },
  strict: true,
});
if (!values.root || !values['tmux-socket']) {
  process.stderr.write('usage: miyabi-controller --root <dir> --tmux-socket <name> [--layout <ref>] [--supervise] [--handover]\n');
  process.exit(2);
}

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

await runController({
  root: values.root,
  tmuxSocket: values['tmux-socket'],
  layout: values.layout,
  // `up` started us and wants a supervisor: we start it once `up` has been told (supervise.ts).
  supervise: values.supervise === true && process.env.MIYABI_SUPERVISED !== '1',
  supervised: process.env.MIYABI_SUPERVISED === '1',
  // `up` builds the session itself and tells us over the spawn channel (session/handover.ts).
  ...(values.handover === true && process.send ? { up: { channel: upChannel(process), pid: process.ppid } } : {}),
  tellStarter,
  // The next `up` finds a controller loaded and waiting (spare/serve.ts).
  onAnswered: () => spawnSpare(process.env),
  exit: (code) => process.exit(code),
});
