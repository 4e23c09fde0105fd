import type { ChildProcess } from 'node:child_process';
import { MiyabiError } from '../../core/errors.js';
import type { StatusResult } from '../../ipc/protocol.js';
import { attachTerminal } from '../../tmux/attach.js';
import { cliContext, readControllerInfo, tryConnect, type CliContext, type GlobalOptions } from '../context.js';
import { formatStatus } from '../../ui/format-status.js';
import { dropChild, type StartingController } from '../start-controller.js';
import { processIo, type Io } from '../io.js';
import { upBuilding } from '../up-build.js';
import { askStatus } from '../ask-controller.js';
import { lockedController, stopController } from '../restart-wedged.js';

export interface UpOptions extends GlobalOptions {
  layout?: string;
  detach?: boolean;
  json?: boolean;
  /** The controller the quick `up` started before it loaded the verb (start-controller.ts earlyController). */
  early?: ChildProcess;
  /** Set by a spare controller running this `up` for a thin one (spare/serve.ts): its streams, itself, its start. */
  io?: Io;
  controller?: (ctx: CliContext) => StartingController;
  origin?: number;
  /** The caller's terminal (a spare's own streams are not it), and who attaches it. */
  tty?: boolean;
  attach?: (socket: string, session: string) => number;
}

async function runningStatus(o: UpOptions, io: Io): Promise<StatusResult | null> {
  const ctx = cliContext(o);
  const client = await tryConnect(ctx.paths);
  const pid = lockedController(ctx.paths);
  if (!client) {
    if (pid !== null) await stopController(pid, 'holds the lock but does not answer', io);
    return null;
  }
  try {
    const info = readControllerInfo(ctx.paths);
    if (ctx.tmuxSocketGiven && info && info.tmuxSocket !== ctx.tmuxSocket) {
      throw new MiyabiError('USAGE', `this project's controller already runs on tmux -L ${info.tmuxSocket}, not ${ctx.tmuxSocket}`, {
        hint: 'run `miyabi down` first to move it',
      });
    }
    const st = await askStatus(client, ctx.paths.socket, 5000).catch((e: unknown) => {
      if (pid === null) throw e;
      return null;
    });
    if (st?.controller.journal?.state !== 'wedged' && st !== null) return st;
    await stopController(pid ?? st!.controller.pid, st ? `reports its journal wedged (${st.controller.journal?.error ?? '?'})` : 'does not answer a status request', io);
    return null;
  } finally {
    client.close();
  }
}

export async function up(o: UpOptions): Promise<number> {
  const ctx = cliContext(o);
  const io = o.io ?? processIo;
  let st = await runningStatus(o, io);
  const started = st === null;
  // A controller already answers: the one started for this `up` is not needed (it holds nothing).
  if (!started && o.early) await dropChild(o.early);
  // Built here and handed to the controller (up-build.ts).
  st ??= await upBuilding(ctx, { ...o, io }, o.early);

  const interactive = !o.detach && !o.json && (o.tty ?? (process.stdout.isTTY === true && process.stdin.isTTY === true));
  if (o.json) {
    io.out(JSON.stringify({ started, ...st }, null, 2) + '\n');
  } else if (!interactive) {
    io.out(
      `${started ? 'started' : 'already running'}: session ${st.session} (controller pid ${st.controller.pid})\n` +
        `${formatStatus(st)}\n\nattach with: miyabi attach\n`,
    );
  }
  return interactive ? (o.attach ?? attachTerminal)(st.tmuxSocket, st.session) : 0;
}
