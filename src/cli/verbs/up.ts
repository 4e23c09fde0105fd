import { loadLayout } from '../../config/load-layout.js';
import { MiyabiError } from '../../core/errors.js';
import { miyabiBin } from '../../core/package-paths.js';
import type { StatusResult } from '../../ipc/protocol.js';
import { attachTerminal } from '../../tmux/attach.js';
import { Tmux } from '../../tmux/index.js';
import { cliContext, readControllerInfo, tryConnect, type GlobalOptions } from '../context.js';
import { formatStatus } from '../format-status.js';
import { startController } from '../start-controller.js';

export interface UpOptions extends GlobalOptions {
  layout?: string;
  detach?: boolean;
  json?: boolean;
}

export async function up(o: UpOptions): Promise<number> {
  const ctx = cliContext(o);
  const tmux = new Tmux({ socket: ctx.tmuxSocket });
  await tmux.version();
  // Validate before creating anything: a bad layout leaves no folder, server or process behind.
  const loaded = loadLayout({ ref: o.layout, projectRoot: ctx.paths.root, miyabiBin: miyabiBin(), env: process.env });
  if (!loaded.ok) throw loaded.error;

  let client = await tryConnect(ctx.paths);
  let started = false;
  if (client) {
    const info = readControllerInfo(ctx.paths);
    if (ctx.tmuxSocketGiven && info && info.tmuxSocket !== ctx.tmuxSocket) {
      client.close();
      throw new MiyabiError('USAGE', `this project's controller already runs on tmux -L ${info.tmuxSocket}, not ${ctx.tmuxSocket}`, {
        hint: 'run `miyabi down` first to move it',
      });
    }
  } else {
    client = await startController(ctx.paths, { tmuxSocket: ctx.tmuxSocket, layout: o.layout });
    started = true;
  }
  const st = await client.request<StatusResult>('status');
  client.close();

  if (o.json) {
    process.stdout.write(JSON.stringify({ started, ...st }, null, 2) + '\n');
  } else if (o.detach || !process.stdout.isTTY) {
    process.stdout.write(
      `${started ? 'started' : 'already running'}: session ${st.session} (controller pid ${st.controller.pid})\n` +
        `${formatStatus(st)}\n\nattach with: miyabi attach\n`,
    );
  }
  if (o.detach || o.json || !process.stdout.isTTY) return 0;
  return attachTerminal(st.tmuxSocket, st.session);
}
