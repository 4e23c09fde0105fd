import { MiyabiError } from '../../core/errors.js';
import { attachTerminal } from '../../tmux/attach.js';
import { Tmux } from '../../tmux/index.js';
import { cliContext, readControllerInfo, type GlobalOptions } from '../context.js';

export async function attach(o: GlobalOptions): Promise<number> {
  const ctx = cliContext(o);
  const info = readControllerInfo(ctx.paths);
  const socket = ctx.tmuxSocketGiven || !info ? ctx.tmuxSocket : info.tmuxSocket;
  if (!info || !(await new Tmux({ socket }).hasSession(info.session))) {
    throw new MiyabiError('NOT_FOUND', `no miyabi session for ${ctx.paths.root} on tmux -L ${socket}`, {
      hint: 'start one with `miyabi up`',
    });
  }
  if (!process.stdin.isTTY) {
    throw new MiyabiError('USAGE', 'attach needs a terminal', { hint: `run: tmux -L ${socket} attach -t =${info.session}` });
  }
  return attachTerminal(socket, info.session);
}
